#!/bin/sh
# Regenerates the demo clips in this folder (they are committed, so a fresh machine needs no ffmpeg).
# Each clip: 640x360, 15 fps, low-bitrate H.264 + mono AAC, "faststart" so playback starts before
# the whole file has arrived. Durations are read back by clips.yaml's test (tests/foundation).
set -eu
cd "$(dirname "$0")"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
encode() {  # name, seconds, lavfi video source, title
  nice ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "$3" \
    -f lavfi -i "sine=frequency=196:sample_rate=22050,volume=0.04" \
    -t "$2" \
    -vf "drawbox=x=0:y=ih-70:w=iw:h=70:color=0x0c2340@0.8:t=fill,drawtext=fontfile=$FONT:text='$4':x=24:y=h-56:fontsize=26:fontcolor=white,drawtext=fontfile=$FONT:text='Boston Drone School  %{pts\:hms}':x=24:y=h-22:fontsize=14:fontcolor=0xdddddd" \
    -c:v libx264 -preset slow -profile:v main -pix_fmt yuv420p -crf 33 -maxrate 260k -bufsize 520k -g 60 \
    -c:a aac -b:a 32k -ac 1 -movflags +faststart "$1.mp4"
}
encode preflight-walkaround 48 "mandelbrot=size=640x360:rate=15:end_scale=0.05" "Preflight walk-around"
encode airspace-at-a-glance 42 "life=size=640x360:rate=15:mold=10:ratio=0.3:death_color=#0c2340:life_color=#7fd1ff:mold_color=#204a70" "Airspace at a glance"
encode camera-exposure 36 "gradients=size=640x360:rate=15:speed=0.02:c0=0x0c2340:c1=0x1e88e5:c2=0xffb300:nb_colors=3" "Exposure in three settings"

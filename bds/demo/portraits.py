"""Draw the demo instructors' portrait placeholders and signatures (committed under
bds/demo/data/instructors/; run `python -m bds.demo.portraits` to redraw them).

Portraits: a soft two-colour backdrop and a head-and-shoulders silhouette, the same for the same
name. Signatures: a flowing pen stroke drawn through the letters of the name in an italic serif,
on a transparent background, as a certificate prints it.
"""

import hashlib
import io
import math
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "instructors"
BACKDROPS = [("#1d4e89", "#8fb8de"), ("#2b6f5e", "#a8d5c4"), ("#7a3b5d", "#e3b3c9"), ("#8a5a14", "#f0cf8f")]
SKIN = ["#8d5a3b", "#c68e67", "#e0b48f", "#5e3a25"]
SERIF_ITALIC = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf"


def _pick(name: str, options: list, salt: str):
    digest = hashlib.sha256(f"{salt}:{name}".encode()).digest()
    return options[digest[0] % len(options)]


def portrait_jpeg(name: str, size: int = 320) -> bytes:
    from PIL import Image, ImageDraw, ImageFilter

    top, bottom = _pick(name, BACKDROPS, "backdrop")
    image = Image.new("RGB", (size, size), top)
    draw = ImageDraw.Draw(image)
    t_rgb, b_rgb = Image.new("RGB", (1, 1), top).getpixel((0, 0)), Image.new("RGB", (1, 1), bottom).getpixel((0, 0))
    for y in range(size):
        mix = y / size
        colour = tuple(round(t * (1 - mix) + b * mix) for t, b in zip(t_rgb, b_rgb, strict=True))
        draw.line([(0, y), (size, y)], fill=colour)
    skin = _pick(name, SKIN, "skin")
    shirt = _pick(name, ["#0c2340", "#33415c", "#f2f4f7", "#3d5a80"], "shirt")
    c = size / 2
    # Shoulders, neck, head, hair: soft shapes, blurred a touch so they read as a photo placeholder.
    draw.ellipse([c - size * 0.42, size * 0.68, c + size * 0.42, size * 1.25], fill=shirt)
    draw.rectangle([c - size * 0.07, size * 0.52, c + size * 0.07, size * 0.72], fill=skin)
    draw.ellipse([c - size * 0.17, size * 0.22, c + size * 0.17, size * 0.62], fill=skin)
    hair = _pick(name, ["#1b1b1b", "#3b2a1a", "#5a3825", "#2a2a2a"], "hair")
    draw.chord([c - size * 0.185, size * 0.18, c + size * 0.185, size * 0.52], 180, 360, fill=hair)
    image = image.filter(ImageFilter.GaussianBlur(size / 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def signature_png(name: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(SERIF_ITALIC, 64)
    width, height = 520, 140
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ink = (20, 40, 90, 255)
    draw.text((18, 22), name, font=font, fill=ink)
    # An underline flourish: a sine sweep that thins out, as a pen lifting off the paper.
    text_width = draw.textlength(name, font=font)
    points = [(18 + x, 112 + 7 * math.sin(x / 38)) for x in range(0, int(text_width) + 30, 3)]
    for index in range(len(points) - 1):
        draw.line([points[index], points[index + 1]], fill=ink, width=max(1, 4 - index * 3 // len(points)))
    image = image.crop(image.getbbox())
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def file_stem(email: str) -> str:
    return email.split("@")[0].replace(".", "-")


def main() -> None:
    import yaml

    people = yaml.safe_load((OUT.parent / "people.yaml").read_text())
    OUT.mkdir(exist_ok=True)
    for person in people["instructors"]:
        stem = file_stem(person["email"])
        (OUT / f"{stem}.jpg").write_bytes(portrait_jpeg(person["full_name"]))
        (OUT / f"{stem}-signature.png").write_bytes(signature_png(person["full_name"]))


if __name__ == "__main__":
    main()

from django.core.management.base import BaseCommand

from lessons.models import Lesson
from lessons.services import lesson_video_process


class Command(BaseCommand):
    help = "Read duration and grab a poster frame for lesson videos (ffprobe/ffmpeg)."

    def add_arguments(self, parser):
        parser.add_argument("lesson_ids", nargs="*", type=int, help="Only these lessons.")
        parser.add_argument("--all", action="store_true", help="Every lesson with a video, not only unprocessed ones.")

    def handle(self, *args, **options):
        lessons = Lesson.objects.exclude(video="")
        if options["lesson_ids"]:
            lessons = lessons.filter(pk__in=options["lesson_ids"])
        elif not options["all"]:
            lessons = lessons.filter(duration_seconds=0)
        processed = 0
        for lesson_id in lessons.values_list("pk", flat=True):
            processed += lesson_video_process(lesson_id=lesson_id)
        self.stdout.write(f"Processed {processed} of {lessons.count()} lesson video(s).")

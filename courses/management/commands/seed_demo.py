from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo school (placeholder until the demo data lands)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when courses already exist.")

    def handle(self, *args, **options):
        self.stdout.write("No demo data yet.")

from django.core.management.base import BaseCommand, CommandError

from lessons.models import Certificate
from lessons.services.certificates import certificate_pdf_rerender


class Command(BaseCommand):
    help = (
        "Draw issued certificates' PDFs again in the current design (after a redesign): same data, "
        "same verification URL, no email. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("public_ids", nargs="*", help="Only these certificates (their public ids).")
        parser.add_argument("--all", action="store_true", help="Every issued certificate.")

    def handle(self, *args, public_ids: list[str], **options):
        if not public_ids and not options["all"]:
            raise CommandError("Name the certificates to draw again, or pass --all.")
        certificates = Certificate.objects.order_by("pk")
        if public_ids:
            certificates = certificates.filter(public_id__in=public_ids)
            unknown = set(public_ids) - set(certificates.values_list("public_id", flat=True))
            if unknown:
                raise CommandError(f"No certificate with the id(s): {', '.join(sorted(unknown))}")
        done = 0
        for certificate in certificates.iterator(chunk_size=200):
            certificate_pdf_rerender(certificate=certificate)
            done += 1
        self.stdout.write(f"Drew {done} certificate PDF(s) again.")

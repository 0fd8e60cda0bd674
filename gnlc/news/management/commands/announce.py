from django.core.management.base import BaseCommand, CommandError

from gnlc.cities.models import Cohort
from gnlc.news import announcements
from gnlc.news.enums import ExportFormat, Language


class Command(BaseCommand):
    help = (
        "Print the announcement of a cohort, written from the data: its new members by "
        "region and the network's totals on the announcement's date."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="the cohort's year")
        parser.add_argument("--lang", choices=Language.values, default=Language.EN)
        parser.add_argument("--format", choices=ExportFormat.values, default=ExportFormat.MARKDOWN)

    def handle(self, *args, year, lang, format, **options):
        cohort = Cohort.objects.filter(year=year).first()
        if cohort is None:
            years = ", ".join(str(y) for y in Cohort.objects.values_list("year", flat=True))
            raise CommandError(f"There is no cohort of {year}. Cohorts: {years or 'none'}.")
        composed = announcements.compose(cohort, lang)
        printer = {
            ExportFormat.MARKDOWN: announcements.as_markdown,
            ExportFormat.TEXT: announcements.as_text,
            ExportFormat.HTML: announcements.as_html,
        }[ExportFormat(format)]
        self.stdout.write(
            printer(
                composed.title,
                composed.date,
                composed.lead,
                composed.body,
                composed.closing,
                lang,
            ),
            ending="" if format != ExportFormat.HTML else "\n",
        )

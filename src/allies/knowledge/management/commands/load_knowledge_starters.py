"""`allies manage load_knowledge_starters`: add any missing starter article (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from allies.knowledge.models import Article, Posting, Revision, Tag
from allies.knowledge.starters import load_starters


class Command(BaseCommand):
    help = "Load the knowledge base's starter articles that are missing (existing ones are left unchanged)."

    def handle(self, *args, **options):
        with transaction.atomic():
            created, existing = load_starters(Article=Article, Tag=Tag, Revision=Revision, Posting=Posting)
        self.stdout.write(f"starter articles: {created} created, {existing} already present")

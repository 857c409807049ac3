"""Ship the starter articles (the spec's practices in Chinese and English) with every database."""

from django.db import migrations


def load(apps, schema_editor):
    from allies.knowledge.starters import load_starters

    load_starters(Article=apps.get_model("knowledge", "Article"), Tag=apps.get_model("knowledge", "Tag"),
                  Revision=apps.get_model("knowledge", "Revision"), Posting=apps.get_model("knowledge", "Posting"))


def unload(apps, schema_editor):
    apps.get_model("knowledge", "Article").objects.filter(starter_key__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

"""Install the shipped screening models: the spec's six dimensions (default) and its example's five weights."""

from django.db import migrations


def install(apps, schema_editor):
    from allies.partners.defaults import SHIPPED_MODELS

    ScreeningModel = apps.get_model("partners", "ScreeningModel")
    ModelVersion = apps.get_model("partners", "ModelVersion")
    Criterion = apps.get_model("partners", "Criterion")
    for spec in SHIPPED_MODELS.values():
        model, created = ScreeningModel.objects.get_or_create(
            name=spec.name, defaults={"description": spec.description, "is_default": spec.is_default}
        )
        if not created:
            continue
        version = ModelVersion.objects.create(model=model, number=1, note="Allies")
        for i, c in enumerate(spec.criteria):
            Criterion.objects.create(
                version=version, position=i, code=c.code, label_zh=c.label_zh, label_en=c.label_en,
                indicators=c.indicators, direction=c.direction, weight=c.weight,
            )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

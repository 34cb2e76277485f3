from django.db import migrations

# (code, 中文, English, group, hazardous, cold chain, default unit), from shared/reference-data.md.
CATEGORIES = [
    ("wafer", "硅片", "Silicon wafers", "material", False, False, "片 pcs"),
    ("photoresist", "光刻胶及配套试剂", "Photoresists and ancillary reagents", "material", True, True, "L"),
    ("wet-chem", "湿电子化学品", "Wet electronic chemicals", "material", True, False, "kg"),
    ("gas", "电子特种气体", "Electronic specialty gases", "material", True, False, "瓶 cylinders"),
    ("cmp", "CMP 抛光材料", "CMP slurries and pads", "material", False, False, "kg"),
    ("target", "溅射靶材", "Sputtering targets", "material", False, False, "件 pcs"),
    ("mask", "光掩膜版", "Photomasks", "material", False, False, "块 pcs"),
    ("precursor", "前驱体材料", "Precursors", "material", True, True, "kg"),
    ("quartz", "石英及陶瓷部件", "Quartz and ceramic parts", "material", False, False, "件 pcs"),
    ("packaging", "封装材料", "Packaging materials", "material", False, False, "kg"),
    ("medical-mask", "医用口罩", "Medical masks", "emergency", False, False, "只 pcs"),
    ("protective-suit", "防护服", "Protective suits", "emergency", False, False, "件 pcs"),
    ("goggles", "护目镜", "Goggles", "emergency", False, False, "副 pcs"),
    ("disinfectant", "消毒液", "Disinfectant", "emergency", True, False, "L"),
    ("thermometer", "体温计", "Thermometers", "emergency", False, False, "支 pcs"),
    ("ir-thermometer", "测温枪", "Infrared thermometers", "emergency", False, False, "把 pcs"),
]


def seed(apps, schema_editor):
    MaterialCategory = apps.get_model("members", "MaterialCategory")
    for order, (code, zh, en, group, hazardous, cold, unit) in enumerate(CATEGORIES, start=1):
        MaterialCategory.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "group": group,
                "hazardous": hazardous,
                "cold_chain": cold,
                "default_unit": unit,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

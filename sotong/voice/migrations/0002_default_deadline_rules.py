from django.db import migrations

# The statutory defaults (see sotong/voice/deadlines.py for the legal basis of each).
DEFAULTS = [
    ("question", 7, "days", "민원 처리에 관한 법률 시행령 제14조 (제도·절차 질의 7일)"),
    ("question_law", 14, "days", "민원 처리에 관한 법률 시행령 제14조 (법령 해석 질의 14일)"),
    ("proposal", 14, "days", "민원 처리에 관한 법률 시행령 제15조 (건의민원 14일)"),
    ("complaint", 7, "days", "민원 처리에 관한 법률 시행령 제17조 (고충민원 7일)"),
    ("report", 3, "hours", "민원 처리에 관한 법률 시행령 제16조 (기타민원 즉시: 3근무시간)"),
    ("praise", 7, "days", "구 자체 기준 (칭찬 답신 7일)"),
]


def create(apps, schema_editor):
    DeadlineRule = apps.get_model("voice", "DeadlineRule")
    for kind, amount, unit, basis in DEFAULTS:
        DeadlineRule.objects.get_or_create(kind=kind, defaults={"amount": amount, "unit": unit, "legal_basis": basis})


class Migration(migrations.Migration):
    dependencies = [("voice", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Hazard(models.TextChoices):
    """Hazards residents get guides for. The first eight are also the hazards shelters are chosen for
    (`SHELTER_HAZARDS`)."""

    EARTHQUAKE = "earthquake", _("지진")
    FLOOD = "flood", _("호우·침수")
    TYPHOON = "typhoon", _("태풍")
    HEAT = "heat", _("폭염")
    COLD = "cold", _("한파")
    FIRE = "fire", _("화재")
    AIR_RAID = "air_raid", _("민방공 경보")
    TSUNAMI = "tsunami", _("지진해일")
    FINE_DUST = "fine_dust", _("미세먼지")
    INFECTIOUS_DISEASE = "infectious_disease", _("감염병")
    POWER_OUTAGE = "power_outage", _("정전")
    GAS_LEAK = "gas_leak", _("가스 누출")


SHELTER_HAZARDS = (
    Hazard.EARTHQUAKE,
    Hazard.FLOOD,
    Hazard.TYPHOON,
    Hazard.HEAT,
    Hazard.COLD,
    Hazard.FIRE,
    Hazard.AIR_RAID,
    Hazard.TSUNAMI,
)


class FacilityKind(models.TextChoices):
    CIVIL_DEFENCE = "civil_defence", _("민방위대피시설")
    EARTHQUAKE_OUTDOOR = "earthquake_outdoor", _("지진옥외대피장소")
    EARTHQUAKE_HOUSING = "earthquake_housing", _("지진겸용 임시주거시설")
    TEMPORARY_HOUSING = "temporary_housing", _("이재민 임시주거시설")
    HEAT_SHELTER = "heat_shelter", _("무더위쉼터")
    COLD_SHELTER = "cold_shelter", _("한파쉼터")
    TSUNAMI_EVACUATION = "tsunami_evacuation", _("지진해일 긴급대피장소")
    AED = "aed", _("자동심장충격기(AED)")
    HOSPITAL = "hospital", _("응급의료기관")
    PHARMACY = "pharmacy", _("휴일지킴이 약국")


class Setting(models.TextChoices):
    INDOOR = "indoor", _("실내")
    UNDERGROUND = "underground", _("지하")
    OUTDOOR = "outdoor", _("실외")


# Which facility kinds shelter residents from which hazard, before the setting rules in
# `Facility.suits` (never underground for a flood or typhoon, never indoors for an earthquake's
# first evacuation). Sources: 행정안전부 국민재난안전포털 대피소 안내; 민방위 업무지침.
KINDS_FOR_HAZARD: dict[str, tuple[str, ...]] = {
    Hazard.EARTHQUAKE: (FacilityKind.EARTHQUAKE_OUTDOOR, FacilityKind.EARTHQUAKE_HOUSING),
    Hazard.FLOOD: (FacilityKind.TEMPORARY_HOUSING, FacilityKind.EARTHQUAKE_HOUSING),
    Hazard.TYPHOON: (FacilityKind.TEMPORARY_HOUSING, FacilityKind.EARTHQUAKE_HOUSING),
    Hazard.HEAT: (FacilityKind.HEAT_SHELTER,),
    Hazard.COLD: (FacilityKind.COLD_SHELTER,),
    Hazard.FIRE: (FacilityKind.EARTHQUAKE_OUTDOOR, FacilityKind.TEMPORARY_HOUSING),
    Hazard.AIR_RAID: (FacilityKind.CIVIL_DEFENCE,),
    Hazard.TSUNAMI: (FacilityKind.TSUNAMI_EVACUATION,),
}


class Audience(models.TextChoices):
    """Who in a household a guide tip is for."""

    EVERYONE = "everyone", _("모두")
    ELDERLY = "elderly", _("어르신")
    INFANT = "infant", _("영유아")
    DISABILITY = "disability", _("장애가 있는 분")
    PET = "pet", _("반려동물")
    NO_CAR = "no_car", _("차가 없는 가구")


class Phase(models.TextChoices):
    BEFORE = "before", _("평소에")
    DURING = "during", _("발생했을 때")
    AFTER = "after", _("그 후에")

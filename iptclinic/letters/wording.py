"""Patient-facing names and sentences that letters take from data, ready for translation.

The pure core names focus areas, questionnaires and dispositions for staff, in
English only. Letters to service users need plain words in the person's language, so each of
those values has its letter wording here, marked for translation (Django i18n). The tests check
that every value of the core has an entry, so a new area or band cannot reach a letter untranslated.
Focus areas are worded by what they mean in the course's variant (``ipt.problem_areas.area_meaning``):
grief after a death, or grief after any loss in the Stuart & Robertson variant.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from iptclinic.ipt.ending import Disposition
from iptclinic.ipt.problem_areas import AreaMeaning

from .models import LetterKind

TITLES: Mapping[str, Promise] = MappingProxyType(
    {
        LetterKind.APPOINTMENTS: _("Your appointments"),
        LetterKind.FORMULATION: _("What we understood together"),
        LetterKind.GP_SUMMARY: _("End of Interpersonal Psychotherapy: summary"),
        LetterKind.CLIENT_SUMMARY: _("Your therapy: a summary"),
    }
)

AREA_NAMES: Mapping[AreaMeaning, Promise] = MappingProxyType(
    {
        AreaMeaning.GRIEF: _("Grief after a death"),
        AreaMeaning.GRIEF_AND_LOSS: _("Grief after a loss"),
        AreaMeaning.ROLE_DISPUTE: _("Disagreements with someone important to you"),
        AreaMeaning.ROLE_TRANSITION: _("A big change in your life"),
        AreaMeaning.INTERPERSONAL_DEFICITS: _("Making and keeping close relationships"),
    }
)

AREA_EXPLANATIONS: Mapping[AreaMeaning, Promise] = MappingProxyType(
    {
        AreaMeaning.GRIEF: _(
            "Someone who mattered to you has died, and the grieving has become stuck. We look at "
            "the person and your loss, and at finding support and things you enjoy again."
        ),
        AreaMeaning.GRIEF_AND_LOSS: _(
            "You have lost someone or something that mattered to you, and the grieving has become "
            "stuck. The loss might be a death, a relationship that ended, your health or your "
            "work. We look at what you lost, and at finding support and things you enjoy again."
        ),
        AreaMeaning.ROLE_DISPUTE: _(
            "You and someone close to you want different things from each other. We look at what "
            "each of you expects, and at new ways to talk it through."
        ),
        AreaMeaning.ROLE_TRANSITION: _(
            "Your life has changed in a big way, whether you wanted the change or not. We look at "
            "what you lost, what the new situation offers and the support you need."
        ),
        AreaMeaning.INTERPERSONAL_DEFICITS: _(
            "Getting close to people or staying close is hard, and you may feel lonely. We look at "
            "patterns in your relationships and take small steps towards other people."
        ),
    }
)

QUESTIONNAIRE_NAMES: Mapping[str, Promise] = MappingProxyType(
    {
        "phq9": _("the questionnaire about low mood (PHQ-9)"),
        "gad7": _("the questionnaire about worry and anxiety (GAD-7)"),
        "wsas": _("the questionnaire about work and daily life (WSAS)"),
    }
)

NEXT_STEPS: Mapping[Disposition, Promise] = MappingProxyType(
    {
        Disposition.DISCHARGE: _(
            "Your therapy with us has now finished. If things get harder again, you can ask your "
            "GP to refer you back to us."
        ),
        Disposition.CONTINUATION: _(
            "We agreed to carry on meeting for a further set of sessions. We will agree the number "
            "of sessions together and send you a new appointment letter."
        ),
        Disposition.MAINTENANCE: _(
            "We agreed to meet less often for a while, to help you stay well. We will agree the "
            "number of sessions together and send you a new appointment letter."
        ),
        # R20 (FIRM): the treatment did not work; the person did not fail.
        Disposition.REFER_ON: _(
            "This therapy did not help as much as we both hoped. That is about the treatment, not "
            "about you: different treatments suit different people. We have arranged another kind "
            "of help for you:"
        ),
    }
)

"""Texts of the sector admin's competence framework governance pages, Dutch first (merged into :mod:`issuer.i18n`)."""

from __future__ import annotations

from typing import Final

# fmt: off
MESSAGES: Final[dict[str, dict[str, str]]] = {
    "nav.framework": {"nl": "Competentiekader", "en": "Competence framework"},
    "nav.proposals": {"nl": "Voorstellen", "en": "Proposals"},

    # --- the sector admin: versions and the draft ------------------------------------------
    "framework.title": {"nl": "Competentiekader", "en": "Competence framework"},
    "framework.intro": {
        "nl": "Hier beheert u de competenties die alle leden op een certificaat kunnen zetten. Een wijziging "
              "maakt u in een concept. Pas als u het concept publiceert, geldt de nieuwe versie voor nieuwe "
              "certificaten. Certificaten die al gegeven zijn, houden hun eigen versie en blijven geldig.",
        "en": "Here you manage the competences all members can put on a certificate. You make changes in a "
              "draft. Only when you publish the draft does the new version apply to new certificates. "
              "Certificates issued before keep their own version and stay valid.",
    },
    "framework.versions": {"nl": "Versies", "en": "Versions"},
    "framework.version_name": {"nl": "Versie {version}", "en": "Version {version}"},
    "framework.state.draft": {"nl": "concept", "en": "draft"},
    "framework.state.published": {"nl": "gepubliceerd", "en": "published"},
    "framework.competence_state.active": {"nl": "in gebruik", "en": "in use"},
    "framework.competence_state.retired": {"nl": "ingetrokken", "en": "retired"},
    "framework.col.version": {"nl": "Versie", "en": "Version"},
    "framework.col.state": {"nl": "Status", "en": "Status"},
    "framework.col.published": {"nl": "Gepubliceerd", "en": "Published"},
    "framework.col.note": {"nl": "Toelichting", "en": "Change note"},
    "framework.col.changes": {"nl": "Wijzigingen", "en": "Changes"},
    "framework.col.code": {"nl": "Code", "en": "Code"},
    "framework.col.name": {"nl": "Naam", "en": "Name"},
    "framework.col.group": {"nl": "Groep", "en": "Group"},
    "framework.col.since": {"nl": "Tekst sinds versie", "en": "Text since version"},
    "framework.col.changed": {"nl": "Gewijzigd in dit concept", "en": "Changed in this draft"},
    "framework.col.actions": {"nl": "Acties", "en": "Actions"},
    "framework.col.date": {"nl": "Datum", "en": "Date"},
    "framework.col.organisation": {"nl": "Organisatie", "en": "Organisation"},
    "framework.draft_exists": {
        "nl": "U werkt aan een concept voor versie {version}.",
        "en": "You are preparing a draft of version {version}.",
    },
    "framework.draft_open": {"nl": "Concept bekijken en aanpassen", "en": "View and change the draft"},
    "framework.no_draft": {
        "nl": "Er is nu geen concept. Start een concept om competenties toe te voegen, te herschrijven of in "
              "te trekken.",
        "en": "There is no draft now. Start a draft to add, reword or retire competences.",
    },
    "framework.draft_start": {"nl": "Nieuw concept starten", "en": "Start a new draft"},
    "framework.draft_none_title": {"nl": "Geen concept", "en": "No draft"},
    "framework.draft_title": {"nl": "Concept voor versie {version}", "en": "Draft of version {version}"},
    "framework.draft_intro": {
        "nl": "Dit concept is een kopie van de laatste versie. Wat u hier verandert, geldt pas na publiceren.",
        "en": "This draft is a copy of the latest version. What you change here applies only after publishing.",
    },
    "framework.proposals_link": {
        "nl": "Voorstellen van organisaties ({count} open)",
        "en": "Proposals from organisations ({count} open)",
    },
    "framework.public_link": {
        "nl": "Openbare pagina van het competentiekader",
        "en": "Public page of the competence framework",
    },
    "framework.back": {"nl": "Terug naar het competentiekader", "en": "Back to the competence framework"},
    "framework.back_draft": {"nl": "Terug naar het concept", "en": "Back to the draft"},
    "framework.changes": {"nl": "Wat is er veranderd", "en": "What changed"},
    "framework.changes_none": {
        "nl": "Geen wijzigingen ten opzichte van de vorige versie.",
        "en": "No changes compared with the previous version.",
    },
    "framework.competences": {"nl": "Competenties", "en": "Competences"},
    "framework.change.added": {"nl": "Toegevoegd: {name} ({code})", "en": "Added: {name} ({code})"},
    "framework.change.reworded": {"nl": "Herschreven: {name} ({code})", "en": "Reworded: {name} ({code})"},
    "framework.change.aligned": {
        "nl": "Andere ESCO-vaardigheden: {name} ({code})",
        "en": "Other ESCO skills: {name} ({code})",
    },
    "framework.change.regrouped": {"nl": "Andere groep: {name} ({code})", "en": "Other group: {name} ({code})"},
    "framework.change.retired": {"nl": "Ingetrokken: {name} ({code})", "en": "Retired: {name} ({code})"},
    "framework.change.reinstated": {"nl": "Weer in gebruik: {name} ({code})", "en": "In use again: {name} ({code})"},
    "framework.kind.added": {"nl": "toegevoegd", "en": "added"},
    "framework.kind.reworded": {"nl": "herschreven", "en": "reworded"},
    "framework.kind.aligned": {"nl": "ESCO gewijzigd", "en": "ESCO changed"},
    "framework.kind.regrouped": {"nl": "andere groep", "en": "other group"},
    "framework.kind.retired": {"nl": "ingetrokken", "en": "retired"},
    "framework.kind.reinstated": {"nl": "weer in gebruik", "en": "in use again"},
    "framework.add": {"nl": "Competentie toevoegen", "en": "Add a competence"},
    "framework.add_title": {"nl": "Competentie toevoegen", "en": "Add a competence"},
    "framework.add_intro": {
        "nl": "Schrijf de competentie in het Nederlands en het Engels. Kies minstens één ESCO-vaardigheid.",
        "en": "Write the competence in Dutch and English. Choose at least one ESCO skill.",
    },
    "framework.edit_title": {"nl": "Competentie {code} aanpassen", "en": "Change competence {code}"},
    "framework.edit_intro": {
        "nl": "Nieuwe teksten gelden alleen voor nieuwe certificaten. Oude certificaten houden hun eigen tekst.",
        "en": "New texts apply only to new certificates. Older certificates keep their own text.",
    },
    "framework.save": {"nl": "Opslaan in het concept", "en": "Save in the draft"},
    "framework.retire": {"nl": "Intrekken", "en": "Retire"},
    "framework.undo": {"nl": "Wijziging ongedaan maken", "en": "Undo the change"},
    "framework.publish_link": {"nl": "Concept publiceren", "en": "Publish the draft"},
    "framework.publish_title": {"nl": "Versie {version} publiceren", "en": "Publish version {version}"},
    "framework.publish_intro": {
        "nl": "Na publiceren kunt u deze versie niet meer veranderen. Nieuwe certificaten krijgen dan deze "
              "versie. Ingetrokken competenties kunnen niemand meer gegeven worden. Certificaten die al gegeven "
              "zijn, blijven geldig met hun eigen tekst.",
        "en": "After publishing you can no longer change this version. New certificates then get this version. "
              "Retired competences can no longer be issued. Certificates issued before stay valid with their "
              "own text.",
    },
    "framework.publish_confirm": {
        "nl": "Ja, publiceer versie {version}. Ik weet dat dit niet terug kan.",
        "en": "Yes, publish version {version}. I know this cannot be undone.",
    },
    "framework.publish": {"nl": "Publiceren", "en": "Publish"},
    "framework.discard_title": {"nl": "Concept weggooien", "en": "Discard the draft"},
    "framework.discard_confirm": {
        "nl": "Ja, gooi het concept voor versie {version} weg met alle wijzigingen.",
        "en": "Yes, discard the draft of version {version} with all its changes.",
    },
    "framework.discard": {"nl": "Concept weggooien", "en": "Discard the draft"},
    "framework.field.code": {"nl": "Code", "en": "Code"},
    "framework.field.code.hint": {
        "nl": "Hoofdletters en streepjes, bijvoorbeeld CIRC-KLEDING-HERSTELLEN. De code verandert nooit meer.",
        "en": "Capitals and hyphens, for example CIRC-KLEDING-HERSTELLEN. The code never changes again.",
    },
    "framework.field.group": {"nl": "Groep", "en": "Group"},
    "framework.field.name_nl": {"nl": "Naam (Nederlands)", "en": "Name (Dutch)"},
    "framework.field.name_en": {"nl": "Naam (Engels)", "en": "Name (English)"},
    "framework.field.description_nl": {"nl": "Beschrijving (Nederlands)", "en": "Description (Dutch)"},
    "framework.field.description_en": {"nl": "Beschrijving (Engels)", "en": "Description (English)"},
    "framework.field.description.hint": {
        "nl": "Wat doet iemand die dit kan? Korte zinnen.",
        "en": "What does someone who can do this do? Short sentences.",
    },
    "framework.field.criteria_nl": {"nl": "Criteria (Nederlands)", "en": "Criteria (Dutch)"},
    "framework.field.criteria_en": {"nl": "Criteria (Engels)", "en": "Criteria (English)"},
    "framework.field.criteria.hint": {
        "nl": "3 tot 5 dingen die de werkbegeleider kan zien. Eén per regel.",
        "en": "3 to 5 things the supervisor can see. One per line.",
    },
    "framework.field.esco": {"nl": "ESCO-vaardigheden", "en": "ESCO skills"},
    "framework.field.esco.hint": {
        "nl": "Kies minstens één vaardigheid uit ESCO, de Europese lijst van vaardigheden.",
        "en": "Choose at least one skill from ESCO, the European list of skills.",
    },
    "framework.field.esco.optional_hint": {
        "nl": "Niet verplicht. Kies een vaardigheid uit ESCO als die goed past.",
        "en": "Optional. Choose a skill from ESCO if one fits well.",
    },
    "framework.field.note": {"nl": "Toelichting bij deze versie", "en": "Change note for this version"},
    "framework.field.note.hint": {
        "nl": "Wat is er veranderd en waarom? Deze tekst staat ook op de openbare pagina.",
        "en": "What changed and why? This text is also shown on the public page.",
    },
    "framework.field.reason": {"nl": "Reden", "en": "Reason"},
    "framework.field.reason.hint": {
        "nl": "De organisatie ziet deze reden.",
        "en": "The organisation sees this reason.",
    },

    # --- proposals ------------------------------------------------------------------------
    "framework.proposals_title": {"nl": "Voorstellen voor competenties", "en": "Proposals for competences"},
    "framework.proposals_intro": {
        "nl": "Organisaties kunnen een eigen competentie voorstellen. U neemt een voorstel over in het concept, "
              "of u wijst het af met een reden.",
        "en": "Organisations can propose a competence of their own. You adopt a proposal into the draft, or "
              "decline it with a reason.",
    },
    "framework.proposals_none": {"nl": "Er zijn nog geen voorstellen.", "en": "There are no proposals yet."},
    "framework.back_proposals": {"nl": "Terug naar de voorstellen", "en": "Back to the proposals"},
    "framework.proposal_title": {"nl": "Voorstel: {name}", "en": "Proposal: {name}"},
    "framework.proposal.state.pending": {"nl": "wacht op besluit", "en": "awaiting a decision"},
    "framework.proposal.state.adopted": {
        "nl": "overgenomen als {code} in versie {version}",
        "en": "adopted as {code} in version {version}",
    },
    "framework.proposal.state.declined": {"nl": "afgewezen", "en": "declined"},
    "framework.adopt_title": {"nl": "Overnemen in het concept", "en": "Adopt into the draft"},
    "framework.adopt_intro": {
        "nl": "Geef de competentie een code, vul de Engelse tekst aan en kies minstens één ESCO-vaardigheid. "
              "Is er nog geen concept, dan start het vanzelf.",
        "en": "Give the competence a code, complete the English text and choose at least one ESCO skill. "
              "When there is no draft yet, one is started.",
    },
    "framework.adopt": {"nl": "Overnemen", "en": "Adopt"},
    "framework.decline_title": {"nl": "Afwijzen", "en": "Decline"},
    "framework.decline": {"nl": "Afwijzen", "en": "Decline"},
    "framework.my_proposals_title": {"nl": "Voorstellen voor competenties", "en": "Proposals for competences"},
    "framework.my_proposals_intro": {
        "nl": "Mist u een competentie die in uw winkels geleerd wordt? Stel hem voor aan de branchevereniging. "
              "Hier ziet u wat er met uw voorstellen gebeurd is.",
        "en": "Is a competence learned in your shops missing? Propose it to the branch association. Here you "
              "see what became of your proposals.",
    },
    "framework.my_proposals_none": {
        "nl": "U heeft nog niets voorgesteld.",
        "en": "You have not proposed anything yet.",
    },
    "framework.propose_link": {"nl": "Competentie voorstellen", "en": "Propose a competence"},
    "framework.propose_title": {"nl": "Competentie voorstellen", "en": "Propose a competence"},
    "framework.propose_intro": {
        "nl": "Beschrijf de competentie in het Nederlands. Engels mag, maar hoeft niet.",
        "en": "Describe the competence in Dutch. English is welcome but not required.",
    },
    "framework.propose": {"nl": "Voorstel versturen", "en": "Send the proposal"},
    "framework.back_my_proposals": {"nl": "Terug naar uw voorstellen", "en": "Back to your proposals"},

    # --- the public page (plain Dutch, B1) ---------------------------------------------------
    "framework_public.title": {
        "nl": "De competenties van de kringloopsector",
        "en": "The competences of the re-use sector",
    },
    "framework_public.intro": {
        "nl": "Op deze pagina ziet u wat iemand kan leren in een kringloopwinkel. Een werkbegeleider kan dit op "
              "een certificaat zetten. De branchevereniging maakt deze lijst samen met de winkels.",
        "en": "This page shows what someone can learn in a re-use shop. A supervisor can put this on a "
              "certificate. The branch association makes this list together with the shops.",
    },
    "framework_public.versions_explained": {
        "nl": "Soms komt er een nieuwe versie van de lijst. Een certificaat van een oudere versie blijft geldig.",
        "en": "Sometimes a new version of the list comes out. A certificate from an older version stays valid.",
    },
    "framework_public.current": {"nl": "De lijst nu (versie {version})", "en": "The list now (version {version})"},
    "framework_public.history": {"nl": "Alle versies", "en": "All versions"},
    "framework_public.version": {"nl": "Versie {version}", "en": "Version {version}"},
    "framework_public.published": {"nl": "Gepubliceerd op {date}.", "en": "Published on {date}."},
    "framework_public.none": {"nl": "Er is nog geen lijst gepubliceerd.", "en": "No list has been published yet."},
    "framework_public.json": {
        "nl": "Alle versies als bestand (JSON, voor computers)",
        "en": "All versions as a file (JSON, for computers)",
    },

    # --- flash messages ----------------------------------------------------------------------
    "flash.framework_draft_started": {"nl": "Het concept is gestart.", "en": "The draft has been started."},
    "flash.framework_competence_added": {
        "nl": "De competentie staat in het concept.",
        "en": "The competence is in the draft.",
    },
    "flash.framework_competence_changed": {
        "nl": "De wijziging staat in het concept.",
        "en": "The change is in the draft.",
    },
    "flash.framework_competence_retired": {
        "nl": "De competentie is ingetrokken in het concept.",
        "en": "The competence is retired in the draft.",
    },
    "flash.framework_competence_undone": {"nl": "De wijziging is ongedaan gemaakt.", "en": "The change was undone."},
    "flash.framework_published": {
        "nl": "De nieuwe versie is gepubliceerd. Nieuwe certificaten krijgen deze versie.",
        "en": "The new version is published. New certificates get this version.",
    },
    "flash.framework_draft_discarded": {"nl": "Het concept is weggegooid.", "en": "The draft was discarded."},
    "flash.framework_proposal_adopted": {
        "nl": "Het voorstel is overgenomen in het concept.",
        "en": "The proposal was adopted into the draft.",
    },
    "flash.framework_proposal_declined": {"nl": "Het voorstel is afgewezen.", "en": "The proposal was declined."},
    "flash.framework_proposal_sent": {
        "nl": "Uw voorstel is verstuurd naar de branchevereniging.",
        "en": "Your proposal was sent to the branch association.",
    },

    # --- refused input and changes that do not fit --------------------------------------------
    "error.bad_code": {
        "nl": "Gebruik hoofdletters, cijfers en streepjes, zoals CIRC-KLEDING-HERSTELLEN.",
        "en": "Use capitals, digits and hyphens, such as CIRC-KLEDING-HERSTELLEN.",
    },
    "error.duplicate_code": {
        "nl": "Deze code bestaat al in het competentiekader. Kies een andere code.",
        "en": "This code exists in the competence framework already. Choose another code.",
    },
    "error.unknown_group": {"nl": "Kies een groep uit de lijst.", "en": "Choose a group from the list."},
    "error.criteria_count": {
        "nl": "Schrijf {min} tot {max} criteria, één per regel. Nu zijn het er {count}.",
        "en": "Write {min} to {max} criteria, one per line. There are {count} now.",
    },
    "error.bad_esco": {"nl": "Kies ESCO-vaardigheden uit de lijst.", "en": "Choose ESCO skills from the list."},
    "error.esco_required": {
        "nl": "Kies minstens één ESCO-vaardigheid.",
        "en": "Choose at least one ESCO skill.",
    },
    "error.unknown_esco": {
        "nl": "Deze ESCO-vaardigheid staat niet in onze lijst: {uri}. Kies een vaardigheid uit de lijst.",
        "en": "This ESCO skill is not in our list: {uri}. Choose a skill from the list.",
    },
    "error.duplicate_esco": {
        "nl": "U koos dezelfde ESCO-vaardigheid twee keer.",
        "en": "You chose the same ESCO skill twice.",
    },
    "error.no_draft": {
        "nl": "Er is geen concept. Start eerst een nieuw concept.",
        "en": "There is no draft. Start a new draft first.",
    },
    "error.draft_exists": {
        "nl": "Er is al een concept. Maak dat af of gooi het weg.",
        "en": "There is a draft already. Finish it or discard it.",
    },
    "error.version_published": {
        "nl": "Deze versie is gepubliceerd en kan niet meer veranderen. Maak een nieuw concept.",
        "en": "This version is published and can no longer change. Make a new draft.",
    },
    "error.no_published_version": {
        "nl": "Er is nog geen gepubliceerde versie van het competentiekader.",
        "en": "No version of the competence framework is published yet.",
    },
    "error.unknown_version": {"nl": "Deze versie bestaat niet.", "en": "This version does not exist."},
    "error.no_changes": {
        "nl": "Het concept heeft nog geen wijzigingen. Er is niets te publiceren.",
        "en": "The draft has no changes yet. There is nothing to publish.",
    },
    "error.invalid_framework": {
        "nl": "Het concept klopt nog niet: {detail}",
        "en": "The draft is not right yet: {detail}",
    },
    "error.already_retired": {
        "nl": "Deze competentie is al ingetrokken.",
        "en": "This competence is retired already.",
    },
    "error.added_in_draft": {
        "nl": "Deze competentie is nieuw in dit concept. Maak de toevoeging ongedaan in plaats van intrekken.",
        "en": "This competence is new in this draft. Undo the addition instead of retiring it.",
    },
    "error.unknown_proposal": {"nl": "Dit voorstel bestaat niet.", "en": "This proposal does not exist."},
    "error.proposal_decided": {
        "nl": "Over dit voorstel is al besloten.",
        "en": "This proposal has been decided already.",
    },
    "error.bad_change_file": {
        "nl": "Het wijzigingsbestand klopt niet.",
        "en": "The change file is not right.",
    },
    "error.framework_discard_confirm": {
        "nl": "Zet een vinkje om te bevestigen dat u het concept wilt weggooien. Er is niets veranderd.",
        "en": "Tick the box to confirm that you want to discard the draft. Nothing was changed.",
    },
    "error.required.note": {
        "nl": "Schrijf kort wat er veranderd is.",
        "en": "Write briefly what changed.",
    },
    "error.required.code": {"nl": "Vul een code in.", "en": "Fill in a code."},
}
# fmt: on

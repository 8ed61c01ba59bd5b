"""Texts of the sector admin's membership, trust list and sector key pages (merged into :mod:`issuer.i18n`)."""

from __future__ import annotations

from typing import Final

# fmt: off
MESSAGES: Final[dict[str, dict[str, str]]] = {
    # --- navigation and overview ----------------------------------------------------------
    "nav.trust": {"nl": "Ledenlijst", "en": "Trust list"},
    "trust.admit_link": {"nl": "Organisatie toelaten", "en": "Admit an organisation"},
    "trust.col.quality_mark": {"nl": "Keurmerk", "en": "Quality mark"},
    "trust.open_org": {"nl": "Bekijk {name}", "en": "View {name}"},
    # --- quality mark -----------------------------------------------------------------------
    "quality_mark.erkend": {"nl": "Erkend", "en": "Recognised"},
    "quality_mark.in_aanvraag": {"nl": "Aangevraagd", "en": "Applied for"},
    "quality_mark.geen": {"nl": "Geen keurmerk", "en": "No quality mark"},
    # --- admit ----------------------------------------------------------------------------
    "trust.admit.title": {"nl": "Organisatie toelaten als lid", "en": "Admit a member organisation"},
    "trust.admit.intro": {
        "nl": "Een nieuw lid krijgt meteen een eigen digitale identiteit (did:web) en een sleutel om "
              "certificaten te ondertekenen. Het lidmaatschap begint nu.",
        "en": "A new member gets its own digital identity (did:web) and a key to sign certificates at once. "
              "The membership starts now.",
    },
    "trust.field.org_name": {"nl": "Naam van de organisatie", "en": "Name of the organisation"},
    "trust.field.slug": {"nl": "Korte naam", "en": "Short name"},
    "trust.field.slug_hint": {
        "nl": "Kleine letters, cijfers en streepjes, bijvoorbeeld kringloop-utrecht. Staat in de web-adressen; "
              "u kunt dit later niet veranderen.",
        "en": "Lower-case letters, digits and hyphens, for example kringloop-utrecht. It is part of the web "
              "addresses; you cannot change it later.",
    },
    "trust.field.contact_email": {"nl": "E-mailadres voor werkgevers", "en": "E-mail address for employers"},
    "trust.field.contact_phone": {"nl": "Telefoonnummer voor werkgevers", "en": "Phone number for employers"},
    "trust.field.website": {"nl": "Website", "en": "Website"},
    "trust.field.website_hint": {"nl": "Begint met https://", "en": "Starts with https://"},
    "trust.field.quality_mark": {"nl": "Keurmerk", "en": "Quality mark"},
    "trust.admit.submit": {"nl": "Toelaten als lid", "en": "Admit as member"},
    "flash.trust.admitted": {"nl": "De organisatie is toegelaten als lid.", "en": "The organisation was admitted."},
    # --- organisation page ------------------------------------------------------------------
    "trust.org.did": {"nl": "Digitale identiteit (DID)", "en": "Digital identity (DID)"},
    "trust.org.contact": {"nl": "Contact", "en": "Contact"},
    "trust.org.periods": {"nl": "Geschiedenis van het lidmaatschap", "en": "Membership history"},
    "trust.org.periods_caption": {"nl": "Perioden van het lidmaatschap", "en": "Membership periods"},
    "trust.col.status": {"nl": "Status", "en": "Status"},
    "trust.col.from": {"nl": "Van", "en": "From"},
    "trust.col.until": {"nl": "Tot", "en": "Until"},
    "trust.col.reason": {"nl": "Reden", "en": "Reason"},
    "trust.col.by": {"nl": "Door", "en": "By"},
    "trust.until_now": {"nl": "nu", "en": "now"},
    "trust.org.keys": {"nl": "Sleutels en hun geschiedenis", "en": "Keys and their history"},
    "trust.org.keys_caption": {"nl": "Sleutels van de organisatie", "en": "Keys of the organisation"},
    "trust.col.key": {"nl": "Sleutel", "en": "Key"},
    "trust.col.created": {"nl": "Gemaakt", "en": "Created"},
    "trust.col.retired": {"nl": "Vervangen", "en": "Retired"},
    "trust.col.compromised": {"nl": "Niet meer veilig", "en": "Compromised"},
    "trust.key.current": {"nl": "In gebruik", "en": "In use"},
    "trust.key.retired": {"nl": "Vervangen", "en": "Retired"},
    "trust.key.compromised": {"nl": "Niet meer veilig", "en": "Compromised"},
    "trust.org.quality_mark_form": {"nl": "Keurmerk aanpassen", "en": "Change the quality mark"},
    "trust.quality_mark.submit": {"nl": "Keurmerk opslaan", "en": "Save quality mark"},
    "flash.trust.quality_mark": {"nl": "Het keurmerk is opgeslagen.", "en": "The quality mark was saved."},
    "trust.org.change": {"nl": "Lidmaatschap veranderen", "en": "Change the membership"},
    "trust.org.effect": {
        "nl": "Schorsen of beëindigen gaat meteen in: de organisatie kan dan geen certificaten meer geven, ook "
              "niet via de koppeling of een lopende lijst. Certificaten die zij als lid gaf, blijven geldig.",
        "en": "Suspending or ending takes effect at once: the organisation can no longer issue certificates, "
              "not through the API or a running upload either. Certificates it issued as a member stay valid.",
    },
    "trust.action.suspend": {"nl": "Lidmaatschap schorsen", "en": "Suspend the membership"},
    "trust.action.end": {"nl": "Lidmaatschap beëindigen", "en": "End the membership"},
    "trust.action.reinstate": {"nl": "Lidmaatschap herstellen", "en": "Reinstate the membership"},
    "trust.field.reason": {"nl": "Reden", "en": "Reason"},
    "trust.field.reason_hint": {
        "nl": "Komt in de geschiedenis en het logboek. Schrijf geen persoonsgegevens.",
        "en": "Goes into the history and the audit log. Do not write personal data.",
    },
    "trust.field.confirm": {
        "nl": "Ja, ik weet wat dit betekent voor {name}.",
        "en": "Yes, I know what this means for {name}.",
    },
    "flash.trust.suspend": {"nl": "Het lidmaatschap is geschorst.", "en": "The membership was suspended."},
    "flash.trust.end": {"nl": "Het lidmaatschap is beëindigd.", "en": "The membership was ended."},
    "flash.trust.reinstate": {"nl": "Het lidmaatschap is hersteld.", "en": "The membership was reinstated."},
    # --- trust list overview ------------------------------------------------------------------
    "trust.overview.title": {"nl": "Ledenlijst voor controleurs", "en": "Trust list for verifiers"},
    "trust.overview.intro": {
        "nl": "Andere controleprogramma's gebruiken deze lijsten om te zien welke organisaties lid zijn, en "
              "sinds wanneer. De lijsten bevatten geen persoonsgegevens.",
        "en": "Other verification programs use these lists to see which organisations are members, and since "
              "when. The lists contain no personal data.",
    },
    "trust.overview.sector_did": {"nl": "Identiteit van de sector (DID)", "en": "Identity of the sector (DID)"},
    "trust.overview.did_document": {"nl": "DID-document", "en": "DID document"},
    "trust.overview.trust_list": {
        "nl": "Ondertekende ledenlijst (JSON)", "en": "Signed trust list (JSON)",
    },
    "trust.overview.dcc": {
        "nl": "Lijst in het formaat van het Digital Credentials Consortium",
        "en": "List in the Digital Credentials Consortium's format",
    },
    "trust.overview.keys": {"nl": "Sleutels van de sector", "en": "Keys of the sector"},
    "trust.overview.keys_caption": {"nl": "Sleutels van de sector", "en": "Keys of the sector"},
    "trust.overview.no_key": {
        "nl": "De sector heeft nog geen sleutel. Voer het commando credentials sector key init uit.",
        "en": "The sector has no key yet. Run the command credentials sector key init.",
    },
    # --- errors -------------------------------------------------------------------------------
    "error.required.org_name": {"nl": "Vul de naam van de organisatie in.", "en": "Fill in the organisation's name."},
    "error.required.slug": {"nl": "Vul een korte naam in.", "en": "Fill in a short name."},
    "error.bad_website": {
        "nl": "Vul een webadres in dat begint met https:// of http://.",
        "en": "Fill in a web address that starts with https:// or http://.",
    },
    "error.bad_quality_mark": {"nl": "Kies een keurmerk uit de lijst.", "en": "Choose a quality mark from the list."},
    "error.confirm_required.confirm_membership": {
        "nl": "Zet een vinkje als u het lidmaatschap echt wilt veranderen.",
        "en": "Tick the box if you really want to change the membership.",
    },
    "error.membership_unchanged": {
        "nl": "Het lidmaatschap staat al zo. Er is niets veranderd.",
        "en": "The membership is like that already. Nothing was changed.",
    },
    "error.membership_transition": {
        "nl": "Dit kan niet bij een lidmaatschap dat {state} is. Er is niets veranderd.",
        "en": "This is not possible for a membership that is {state}. Nothing was changed.",
    },
    "error.bad_action": {"nl": "Deze actie bestaat niet.", "en": "This action does not exist."},
    "error.no_sector_key": {
        "nl": "De sector heeft nog geen sleutel om mee te ondertekenen.",
        "en": "The sector has no key to sign with yet.",
    },
}
# fmt: on

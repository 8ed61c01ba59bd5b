"""Texts of the staff pages in Dutch (the default) and English, in plain language (B1).

``t(key, **params)`` gives the text for the current language: the ``?lang=`` of this
request (remembered in the session), else the session's language, else Dutch.
``error_message(exc)`` turns a :class:`issuer.services.ServiceError` into advice for
the person at the form: first ``error.<code>.<field>``, then ``error.<code>``.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from flask import has_request_context, request, session

from issuer import texts_framework, texts_regions, texts_trust

log = logging.getLogger(__name__)

LANGUAGES: Final = ("nl", "en")
DEFAULT_LANGUAGE: Final = "nl"
SESSION_KEY: Final = "lang"

MONTHS: Final = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip

# fmt: off
MESSAGES: Final[dict[str, dict[str, str]]] = {
    # --- frame -------------------------------------------------------------------------
    "app.name": {"nl": "Certificaten Kringloop", "en": "Kringloop Certificates"},
    "nav.skip": {"nl": "Direct naar de inhoud", "en": "Skip to content"},
    "nav.label": {"nl": "Hoofdmenu", "en": "Main menu"},
    "nav.dashboard": {"nl": "Start", "en": "Home"},
    "nav.participants": {"nl": "Deelnemers", "en": "Participants"},
    "nav.certificates": {"nl": "Certificaten", "en": "Certificates"},
    "nav.issue": {"nl": "Certificaat geven", "en": "Issue a certificate"},
    "nav.organisation": {"nl": "Organisatie", "en": "Organisation"},
    "nav.sector": {"nl": "Organisaties", "en": "Organisations"},
    "nav.logout": {"nl": "Uitloggen", "en": "Log out"},
    "nav.login": {"nl": "Inloggen", "en": "Log in"},
    "lang.other_name": {"nl": "English", "en": "Nederlands"},
    "lang.other_label": {"nl": "Switch to English", "en": "Naar het Nederlands"},
    "user.signed_in_as": {"nl": "Ingelogd als {name}", "en": "Signed in as {name}"},
    "role.sector_admin": {"nl": "sectorbeheerder", "en": "sector administrator"},
    "role.org_admin": {"nl": "beheerder van de organisatie", "en": "organisation administrator"},
    "role.supervisor": {"nl": "werkbegeleider", "en": "supervisor"},
    "footer.about": {
        "nl": "Een dienst van de kringloopsector. De certificaten volgen de open standaard Open Badges 3.0.",
        "en": "A service of the Dutch re-use (kringloop) sector. The certificates follow the open standard "
              "Open Badges 3.0.",
    },
    "footer.esco": {
        "nl": "Deze dienst gebruikt de ESCO-classificatie van de Europese Commissie.",
        "en": "This service uses the ESCO classification of the European Commission.",
    },
    "flash.label": {"nl": "Melding", "en": "Message"},
    "form.errors_title": {"nl": "Er is een probleem", "en": "There is a problem"},
    "form.error_prefix": {"nl": "Fout:", "en": "Error:"},
    "form.optional": {"nl": "(niet verplicht)", "en": "(optional)"},
    "common.yes": {"nl": "ja", "en": "yes"},
    "common.none": {"nl": "geen", "en": "none"},
    "common.back_home": {"nl": "Naar de startpagina", "en": "Go to the home page"},
    "common.erased": {"nl": "(gegevens gewist)", "en": "(data erased)"},
    "common.scroll_table": {"nl": "Tabel, schuif opzij voor meer kolommen", "en": "Table, scroll sideways for more"},

    # --- login ---------------------------------------------------------------------------
    "login.title": {"nl": "Inloggen", "en": "Log in"},
    "login.intro": {
        "nl": "Log in met het e-mailadres en het wachtwoord van uw werk.",
        "en": "Log in with your work e-mail address and password.",
    },
    "login.submit": {"nl": "Inloggen", "en": "Log in"},
    "login.help": {
        "nl": "Wachtwoord vergeten? Vraag de beheerder van uw organisatie om hulp.",
        "en": "Forgot your password? Ask your organisation's administrator for help.",
    },
    "field.email": {"nl": "E-mailadres", "en": "E-mail address"},
    "field.password": {"nl": "Wachtwoord", "en": "Password"},
    "flash.logged_out": {"nl": "U bent uitgelogd.", "en": "You are logged out."},
    "flash.login_needed": {"nl": "Log eerst in om deze pagina te zien.", "en": "Please log in to see this page."},

    # --- dashboard -------------------------------------------------------------------------
    "dashboard.title": {"nl": "Start", "en": "Home"},
    "dashboard.welcome": {"nl": "Welkom, {name}", "en": "Welcome, {name}"},
    "dashboard.role": {"nl": "U bent {role} bij {org}.", "en": "You are {role} at {org}."},
    "dashboard.role_sector": {"nl": "U bent {role}.", "en": "You are {role}."},
    "dashboard.actions": {"nl": "Wat wilt u doen?", "en": "What would you like to do?"},
    "dashboard.recent": {"nl": "Laatste certificaten", "en": "Latest certificates"},
    "dashboard.all_certificates": {"nl": "Alle certificaten bekijken", "en": "See all certificates"},
    "dashboard.sector_intro": {
        "nl": "U ziet welke organisaties zijn aangesloten. Gegevens van deelnemers ziet u niet.",
        "en": "You see which organisations are members. You do not see participants' data.",
    },
    "action.issue": {"nl": "Certificaat geven", "en": "Issue a certificate"},
    "action.add_participant": {"nl": "Deelnemer toevoegen", "en": "Add a participant"},
    "action.participants": {"nl": "Deelnemers bekijken", "en": "See participants"},
    "action.organisation": {"nl": "Organisatie en sleutels", "en": "Organisation and keys"},
    "action.sector": {"nl": "Aangesloten organisaties bekijken", "en": "See member organisations"},

    # --- tables ----------------------------------------------------------------------------
    "col.name": {"nl": "Naam", "en": "Name"},
    "col.shop": {"nl": "Winkel", "en": "Shop"},
    "col.email": {"nl": "E-mailadres", "en": "E-mail address"},
    "col.certificates": {"nl": "Certificaten", "en": "Certificates"},
    "col.added": {"nl": "Toegevoegd op", "en": "Added on"},
    "col.holder": {"nl": "Deelnemer", "en": "Participant"},
    "col.competence": {"nl": "Competentie", "en": "Competence"},
    "col.level": {"nl": "Niveau", "en": "Level"},
    "col.date": {"nl": "Datum", "en": "Date"},
    "col.status": {"nl": "Status", "en": "Status"},
    "col.city": {"nl": "Plaats", "en": "Town"},
    "col.region": {"nl": "Arbeidsmarktregio", "en": "Labour-market region"},
    "col.key": {"nl": "Sleutel", "en": "Key"},
    "col.created": {"nl": "Gemaakt op", "en": "Created on"},
    "col.organisation": {"nl": "Organisatie", "en": "Organisation"},
    "col.slug": {"nl": "Korte naam", "en": "Short name"},
    "col.membership": {"nl": "Lidmaatschap", "en": "Membership"},
    "col.member_since": {"nl": "Lid sinds", "en": "Member since"},
    "col.shops": {"nl": "Winkels", "en": "Shops"},
    "pager.label": {"nl": "Pagina's", "en": "Pages"},
    "pager.previous": {"nl": "Vorige pagina", "en": "Previous page"},
    "pager.next": {"nl": "Volgende pagina", "en": "Next page"},
    "pager.position": {"nl": "Pagina {page} van {pages}", "en": "Page {page} of {pages}"},

    # --- participants --------------------------------------------------------------------
    "participants.title": {"nl": "Deelnemers", "en": "Participants"},
    "participants.caption": {"nl": "Deelnemers van {org}", "en": "Participants of {org}"},
    "participants.search_label": {"nl": "Zoek op naam", "en": "Search by name"},
    "participants.search_submit": {"nl": "Zoeken", "en": "Search"},
    "participants.none": {"nl": "Geen deelnemers gevonden.", "en": "No participants found."},
    "participants.count": {"nl": "{count} deelnemers", "en": "{count} participants"},
    "participant_new.title": {"nl": "Deelnemer toevoegen", "en": "Add a participant"},
    "participant_new.intro": {
        "nl": "Na het opslaan ziet u één keer de persoonlijke code van de deelnemer. Print dan de brief en geef "
              "die aan de deelnemer.",
        "en": "After saving you see the participant's personal code once. Then print the letter and give it "
              "to the participant.",
    },
    "participant_new.submit": {"nl": "Opslaan en code maken", "en": "Save and create a code"},
    "field.holder_name": {"nl": "Naam van de deelnemer", "en": "Participant's name"},
    "field.holder_name.hint": {
        "nl": "Zoals de naam op het certificaat moet staan. Bijvoorbeeld: Fatima El Amrani.",
        "en": "As the name should appear on the certificate. For example: Fatima El Amrani.",
    },
    "field.participant_email": {"nl": "E-mailadres van de deelnemer", "en": "Participant's e-mail address"},
    "field.participant_email.hint": {
        "nl": "Alleen invullen als de deelnemer dat wil.",
        "en": "Only fill this in if the participant wants to.",
    },
    "field.shop": {"nl": "Winkel", "en": "Shop"},
    "field.shop.none": {"nl": "Geen winkel", "en": "No shop"},
    "flash.participant_added": {"nl": "De deelnemer is opgeslagen.", "en": "The participant has been saved."},
    "participant.title": {"nl": "Deelnemer: {name}", "en": "Participant: {name}"},
    "participant.details": {"nl": "Gegevens", "en": "Details"},
    "participant.certificates": {"nl": "Certificaten van deze deelnemer", "en": "This participant's certificates"},
    "participant.no_certificates": {"nl": "Nog geen certificaten.", "en": "No certificates yet."},
    "participant.issue": {
        "nl": "Certificaat geven aan deze deelnemer",
        "en": "Issue a certificate to this participant",
    },
    "participant.portfolio_pdf": {
        "nl": "Alle geldige certificaten als één PDF (om te printen)",
        "en": "All valid certificates as one PDF (for printing)",
    },
    "participant.data_title": {"nl": "Gegevens van de deelnemer", "en": "The participant's data"},
    "participant.data_text": {
        "nl": "De deelnemer mag alle gegevens zien die we bewaren, en mag vragen om ze te wissen. U kunt dat voor "
              "de deelnemer doen.",
        "en": "The participant may see all data we keep and may ask for it to be erased. You can do this on "
              "their behalf.",
    },
    "participant.data_download": {"nl": "Download alle gegevens (JSON)", "en": "Download all data (JSON)"},
    "participant.erase_text": {
        "nl": "Wissen haalt naam, e-mailadres en code weg. De openbare pagina's van de certificaten gaan uit. De "
              "bestanden die de deelnemer heeft, blijven echt. Dit kan niet ongedaan worden gemaakt.",
        "en": "Erasing removes name, e-mail address and code. The certificates' public pages go off. The files "
              "the participant has stay genuine. This cannot be undone.",
    },
    "participant.erase_confirm": {
        "nl": "{name} heeft gevraagd om de gegevens te wissen.",
        "en": "{name} asked for their data to be erased.",
    },
    "participant.erase_submit": {"nl": "Gegevens wissen", "en": "Erase data"},
    "flash.participant_erased": {"nl": "De gegevens zijn gewist.", "en": "The data has been erased."},
    "participant.erase_confirm_required": {
        "nl": "Zet een vinkje als de deelnemer om wissen heeft gevraagd.",
        "en": "Tick the box if the participant asked for erasure.",
    },
    "participant.new_code_title": {"nl": "Code kwijt?", "en": "Code lost?"},
    "participant.new_code_text": {
        "nl": "Maak een nieuwe persoonlijke code. De oude code werkt daarna niet meer.",
        "en": "Create a new personal code. The old code stops working.",
    },
    "participant.new_code_submit": {"nl": "Nieuwe code maken", "en": "Create a new code"},

    # --- access code and letter ------------------------------------------------------------
    "code.title": {"nl": "Persoonlijke code", "en": "Personal code"},
    "code.once": {
        "nl": "U ziet deze code maar één keer. Print nu de brief hieronder (Ctrl+P) of schrijf de code over.",
        "en": "You see this code only once. Print the letter below now (Ctrl+P) or copy the code.",
    },
    "code.label": {"nl": "Code van {name}", "en": "Code of {name}"},
    "code.gone": {
        "nl": "De code is al een keer getoond en is niet meer te zien. Is de code kwijt? Maak dan een nieuwe code.",
        "en": "The code has been shown once and cannot be shown again. Is the code lost? Then create a new code.",
    },
    "code.back": {"nl": "Terug naar de deelnemer", "en": "Back to the participant"},
    "letter.label": {"nl": "Brief voor de deelnemer", "en": "Letter for the participant"},
    "letter.title": {"nl": "Zo bekijk je jouw certificaten", "en": "How to see your certificates"},
    "letter.hello": {"nl": "Hallo {name},", "en": "Hello {name},"},
    "letter.intro": {
        "nl": "Bij {org} laat je zien wat je kunt. Dat staat in je certificaten. Zo bekijk je ze:",
        "en": "At {org} you show what you can do. Your certificates say so. This is how you see them:",
    },
    "letter.step1": {"nl": "Ga op internet naar:", "en": "Go to this web address:"},
    "letter.step2": {"nl": "Typ je persoonlijke code:", "en": "Type your personal code:"},
    "letter.step3": {
        "nl": "Je ziet je certificaten. Je kunt ze downloaden en laten zien aan een werkgever.",
        "en": "You see your certificates. You can download them and show them to an employer.",
    },
    "letter.keep": {
        "nl": "Bewaar deze brief goed. Geef je code niet aan anderen. Ben je de code kwijt? Vraag je "
              "werkbegeleider om een nieuwe code.",
        "en": "Keep this letter safe. Do not give your code to others. Lost your code? Ask your supervisor "
              "for a new one.",
    },

    # --- certificates ----------------------------------------------------------------------
    "certificates.title": {"nl": "Certificaten", "en": "Certificates"},
    "certificates.caption": {
        "nl": "Certificaten van {org}, nieuwste eerst",
        "en": "Certificates of {org}, newest first",
    },
    "certificates.none": {"nl": "Er zijn nog geen certificaten.", "en": "There are no certificates yet."},
    "certificates.count": {"nl": "{count} certificaten", "en": "{count} certificates"},
    "status.valid": {"nl": "Geldig", "en": "Valid"},
    "status.suspended": {"nl": "Geschorst", "en": "Suspended"},
    "status.revoked": {"nl": "Ingetrokken", "en": "Revoked"},
    "issue.title": {"nl": "Certificaat geven", "en": "Issue a certificate"},
    "issue.intro": {
        "nl": "Vul het formulier in. Het certificaat wordt meteen ondertekend en opgeslagen.",
        "en": "Fill in the form. The certificate is signed and saved straight away.",
    },
    "issue.submit": {"nl": "Certificaat ondertekenen", "en": "Sign the certificate"},
    "issue.no_participants": {
        "nl": "Er zijn nog geen deelnemers. Vul hieronder een naam in.",
        "en": "There are no participants yet. Fill in a name below.",
    },
    "field.participant": {"nl": "Deelnemer", "en": "Participant"},
    "field.participant.hint": {
        "nl": "Kies een deelnemer. Staat de persoon er niet bij? Kies dan \"Andere naam\" en vul de naam hieronder in.",
        "en": "Choose a participant. Is the person not in the list? Choose \"Another name\" and fill in the name "
              "below.",
    },
    "field.participant.other": {"nl": "Andere naam (hieronder invullen)", "en": "Another name (fill in below)"},
    "field.holder_name_other": {"nl": "Andere naam", "en": "Another name"},
    "field.holder_name_other.hint": {
        "nl": "Alleen invullen als de deelnemer niet in de lijst staat.",
        "en": "Only fill this in if the participant is not in the list.",
    },
    "field.competence": {"nl": "Competentie", "en": "Competence"},
    "field.competence.hint": {
        "nl": "Wat heeft de deelnemer geleerd? De lijst is verdeeld in groepen.",
        "en": "What has the participant learned? The list is divided into groups.",
    },
    "field.competence.choose": {"nl": "Kies een competentie", "en": "Choose a competence"},
    "field.level": {"nl": "Niveau", "en": "Level"},
    "field.level.hint": {"nl": "Hoe goed kan de deelnemer het?", "en": "How well can the participant do it?"},
    "field.level.option": {"nl": "Niveau {code}: {name}", "en": "Level {code}: {name}"},
    "field.evidence": {"nl": "Toelichting", "en": "Explanation"},
    "field.evidence.hint": {
        "nl": "Schrijf in een paar zinnen wat de deelnemer liet zien. Dit staat op het certificaat. Schrijf niets "
              "over gezondheid, uitkering of de reden waarom iemand bij u werkt. Hoogstens {max} tekens.",
        "en": "Write in a few sentences what the participant showed. This appears on the certificate. Write "
              "nothing about health, benefits or why someone works with you. At most {max} characters.",
    },
    "field.issued_on": {"nl": "Datum", "en": "Date"},
    "field.issued_on.hint": {
        "nl": "Vandaag of eerder. Bijvoorbeeld: 23-11-2026.",
        "en": "Today or earlier. For example: 23-11-2026.",
    },
    "flash.issued": {
        "nl": "Het certificaat is ondertekend en opgeslagen.",
        "en": "The certificate has been signed and saved.",
    },
    "certificate.title": {"nl": "Certificaat: {competence}", "en": "Certificate: {competence}"},
    "certificate.holder": {"nl": "Deelnemer", "en": "Participant"},
    "certificate.competence": {"nl": "Competentie", "en": "Competence"},
    "certificate.level": {"nl": "Niveau", "en": "Level"},
    "certificate.issued_on": {"nl": "Datum", "en": "Date"},
    "certificate.issued_by": {"nl": "Gegeven door", "en": "Issued by"},
    "certificate.shop": {"nl": "Winkel", "en": "Shop"},
    "certificate.status": {"nl": "Status", "en": "Status"},
    "certificate.evidence": {"nl": "Toelichting", "en": "Explanation"},
    "certificate.revoked_detail": {
        "nl": "Ingetrokken op {date}. Reden: {reason}",
        "en": "Revoked on {date}. Reason: {reason}",
    },
    "certificate.suspended_detail": {
        "nl": "Geschorst sinds {date}. Reden: {reason}",
        "en": "Suspended since {date}. Reason: {reason}",
    },
    "certificate.verify_title": {"nl": "Controleren en downloaden", "en": "Check and download"},
    "certificate.verify_url": {"nl": "Controle-adres", "en": "Verification address"},
    "certificate.verify_hint": {
        "nl": "Een werkgever kan op dit adres zien of het certificaat echt is en nog geldt.",
        "en": "An employer can see at this address whether the certificate is genuine and still stands.",
    },
    "certificate.download_pdf": {"nl": "Download PDF (om te printen)", "en": "Download PDF (for printing)"},
    "certificate.download_json": {
        "nl": "Download het certificaat als bestand (JSON)",
        "en": "Download the certificate as a file (JSON)",
    },
    "certificate.actions": {"nl": "Status veranderen", "en": "Change the status"},
    "field.reason": {"nl": "Reden", "en": "Reason"},
    "field.reason.hint": {
        "nl": "Schrijf kort waarom. Schrijf geen medische of andere gevoelige gegevens.",
        "en": "Write briefly why. Do not write medical or other sensitive data.",
    },
    "field.category": {"nl": "Waarom trekt u het in?", "en": "Why are you revoking it?"},
    "field.category.hint": {
        "nl": "Een werkgever die het certificaat controleert, ziet deze keuze. De reden hierboven ziet alleen uw "
              "organisatie.",
        "en": "An employer who checks the certificate sees this choice. Only your organisation sees the reason "
              "above.",
    },
    "certificate.revoked_category": {"nl": "Op de controlepagina: {category}", "en": "On the check page: {category}"},
    # Why a certificate was revoked, in words for anyone who checks it (services.REVOCATION_CATEGORIES).
    "revocation.category.issued_in_error": {"nl": "Per vergissing gegeven", "en": "Issued by mistake"},
    "revocation.category.details_wrong": {
        "nl": "Er stond iets verkeerd op het certificaat",
        "en": "Something on the certificate was wrong",
    },
    "revocation.category.replaced": {
        "nl": "Vervangen door een nieuw certificaat",
        "en": "Replaced by a new certificate",
    },
    "revocation.category.key_compromised": {
        "nl": "Vervangen om veiligheidsredenen",
        "en": "Replaced for safety reasons",
    },
    "revocation.category.other": {"nl": "Een andere reden", "en": "Another reason"},
    "error.required.category": {
        "nl": "Kies waarom u het certificaat intrekt.",
        "en": "Choose why you revoke the certificate.",
    },
    "error.bad_category": {
        "nl": "Kies een van de redenen uit de lijst.",
        "en": "Choose one of the reasons in the list.",
    },
    "verify.revoked.category": {"nl": "Reden: {category}.", "en": "Reason: {category}."},
    "revoke.title": {"nl": "Certificaat intrekken", "en": "Revoke the certificate"},
    "revoke.text": {
        "nl": "Intrekken is voor altijd. Het certificaat is daarna niet meer geldig.",
        "en": "Revoking is permanent. The certificate is no longer valid afterwards.",
    },
    "revoke.confirm": {
        "nl": "Ik weet dat intrekken niet ongedaan kan worden.",
        "en": "I understand that revoking cannot be undone.",
    },
    "revoke.submit": {"nl": "Certificaat intrekken", "en": "Revoke the certificate"},
    "suspend.title": {"nl": "Tijdelijk schorsen", "en": "Suspend for now"},
    "suspend.text": {
        "nl": "Het certificaat is dan tijdelijk niet geldig. U kunt de schorsing later opheffen.",
        "en": "The certificate is then not valid for the time being. You can lift the suspension later.",
    },
    "suspend.submit": {"nl": "Schorsen", "en": "Suspend"},
    "lift.title": {"nl": "Schorsing opheffen", "en": "Lift the suspension"},
    "lift.text": {"nl": "Het certificaat is daarna weer geldig.", "en": "The certificate is then valid again."},
    "lift.submit": {"nl": "Schorsing opheffen", "en": "Lift the suspension"},
    "flash.revoke": {"nl": "Het certificaat is ingetrokken.", "en": "The certificate has been revoked."},
    "flash.suspend": {"nl": "Het certificaat is geschorst.", "en": "The certificate has been suspended."},
    "flash.lift": {"nl": "De schorsing is opgeheven.", "en": "The suspension has been lifted."},

    # --- bulk issuance: CSV upload (issuer/bulk_pages.py) ----------------------------------------
    "nav.bulk": {"nl": "Meerdere certificaten geven", "en": "Issue several certificates"},
    "action.bulk": {"nl": "Meerdere certificaten tegelijk geven", "en": "Issue several certificates at once"},
    "bulk.title": {"nl": "Meerdere certificaten tegelijk geven", "en": "Issue several certificates at once"},
    "bulk.intro": {
        "nl": "Geef een hele groep in één keer een certificaat. Zet de gegevens in een werkblad, bijvoorbeeld in "
              "Excel. Sla het op als CSV-bestand en upload het hier.",
        "en": "Give a whole group a certificate at once. Put the details in a spreadsheet, for example in Excel. "
              "Save it as a CSV file and upload it here.",
    },
    "bulk.steps.title": {"nl": "Zo werkt het", "en": "How it works"},
    "bulk.step1": {
        "nl": "Download het voorbeeldbestand. Vul het in: één regel per certificaat.",
        "en": "Download the template. Fill it in: one row per certificate.",
    },
    "bulk.step2": {
        "nl": "Sla het werkblad op als CSV-bestand. Upload het bestand hieronder.",
        "en": "Save the sheet as a CSV file. Upload the file below.",
    },
    "bulk.step3": {
        "nl": "Wij controleren eerst elke regel. Er wordt dan nog niets gegeven. Staat er een fout in? Dan ziet u per "
              "regel wat u moet verbeteren.",
        "en": "First we check every row. Nothing is issued yet. Is there a mistake? Then you see for each row what "
              "to correct.",
    },
    "bulk.step4": {
        "nl": "Klopt alles? Dan klikt u op de knop en geven wij de certificaten.",
        "en": "Is everything right? Then you click the button and we issue the certificates.",
    },
    "bulk.template_link": {"nl": "Voorbeeldbestand downloaden (CSV)", "en": "Download the template (CSV)"},
    "bulk.form.title": {"nl": "Bestand uploaden", "en": "Upload the file"},
    "bulk.field.file": {"nl": "CSV-bestand", "en": "CSV file"},
    "bulk.field.file.hint": {
        "nl": "Een CSV-bestand, met komma's of puntkomma's tussen de vakken. Hoogstens {mb} MB en {rows} regels.",
        "en": "A CSV file, with commas or semicolons between the cells. At most {mb} MB and {rows} rows.",
    },
    "bulk.submit": {"nl": "Bestand controleren", "en": "Check the file"},
    "bulk.jobs_link": {"nl": "Eerdere uploads bekijken", "en": "See earlier uploads"},
    "bulk.columns.title": {"nl": "De kolommen", "en": "The columns"},
    "bulk.columns.intro": {
        "nl": "De eerste regel van het bestand heeft de namen van de kolommen. U mag de Engelse namen uit het "
              "voorbeeldbestand gebruiken of de Nederlandse namen. De volgorde maakt niet uit.",
        "en": "The first row of the file holds the column names. You may use the English names of the template or "
              "the Dutch names. The order does not matter.",
    },
    "bulk.columns.caption": {"nl": "De kolommen van het bestand", "en": "The columns of the file"},
    "bulk.columns.separator": {
        "nl": "Excel in het Nederlands zet puntkomma's tussen de vakken. Dat is goed. Een bestand uit Excel met "
              "letters als é, ç of ø is ook goed.",
        "en": "Dutch Excel puts semicolons between the cells. That is fine. A file from Excel with letters such as "
              "é, ç or ø is fine too.",
    },
    "bulk.columns.once": {
        "nl": "Een regel die al eerder is gegeven, geven we niet nog een keer. Zo kunt u hetzelfde bestand gerust "
              "opnieuw uploaden. We herkennen een regel aan de referentie. Zonder referentie aan naam, competentie, "
              "niveau en datum.",
        "en": "A row that was issued before is not issued again. So you can safely upload the same file again. We "
              "recognise a row by its reference. Without a reference, by name, competence, level and date.",
    },
    "bulk.col.english": {"nl": "Kolomnaam (Engels)", "en": "Column name (English)"},
    "bulk.col.dutch": {"nl": "Nederlandse naam", "en": "Dutch name"},
    "bulk.col.required": {"nl": "Verplicht", "en": "Required"},
    "bulk.col.optional": {"nl": "nee", "en": "no"},
    "bulk.col.meaning": {"nl": "Wat vult u in?", "en": "What to fill in"},
    "bulk.column.holder_name.help": {
        "nl": "De naam van de deelnemer, zoals die op het certificaat komt.",
        "en": "The participant's name, as it will be on the certificate.",
    },
    "bulk.column.competence.help": {
        "nl": "De code van de competentie, bijvoorbeeld CIRC-SORTEREN. De naam mag ook.",
        "en": "The code of the competence, for example CIRC-SORTEREN. The name is fine too.",
    },
    "bulk.column.level.help": {"nl": "Het niveau:", "en": "The level:"},
    "bulk.column.evidence.help": {
        "nl": "Wat de deelnemer liet zien. Hoogstens {max} tekens. Mag leeg blijven.",
        "en": "What the participant showed. At most {max} characters. May be empty.",
    },
    "bulk.column.issued_on.help": {
        "nl": "De dag waarop de deelnemer het liet zien, zoals 2026-03-14 of 14-03-2026. Niet in de toekomst. Leeg "
              "is vandaag.",
        "en": "The day the participant showed it, such as 2026-03-14 or 14-03-2026. Not in the future. Empty means "
              "today.",
    },
    "bulk.column.external_ref.help": {
        "nl": "Uw eigen kenmerk, bijvoorbeeld een nummer uit uw eigen systeem. Elk kenmerk mag maar één keer. Mag "
              "leeg blijven.",
        "en": "Your own reference, for example a number from your own system. Each reference may appear only once. "
              "May be empty.",
    },
    "bulk.competence_list_link": {"nl": "Bekijk de lijst met codes.", "en": "See the list of codes."},
    "bulk.column.header": {"nl": "kopregel", "en": "header row"},
    "bulk.column.row": {"nl": "hele regel", "en": "whole row"},
    "bulk.problems.title": {"nl": "Er staan fouten in het bestand", "en": "The file has mistakes"},
    "bulk.problems.summary": {
        "nl": "In {file} hebben we {count} fouten gevonden. Er is niets gegeven. Verbeter het bestand en upload het "
              "opnieuw.",
        "en": "We found {count} mistakes in {file}. Nothing was issued. Correct the file and upload it again.",
    },
    "bulk.problems.summary.one": {
        "nl": "In {file} hebben we 1 fout gevonden. Er is niets gegeven. Verbeter het bestand en upload het "
              "opnieuw.",
        "en": "We found 1 mistake in {file}. Nothing was issued. Correct the file and upload it again.",
    },
    "bulk.problems.link": {"nl": "Bekijk de fouten per regel", "en": "See the mistakes row by row"},
    "bulk.problems.caption": {"nl": "Fouten per regel", "en": "Mistakes row by row"},
    "bulk.problems.nothing_issued": {
        "nl": "Er is niets gegeven. Verbeter deze fouten in het werkblad en upload het bestand opnieuw.",
        "en": "Nothing was issued. Correct these mistakes in the spreadsheet and upload the file again.",
    },
    "bulk.problems.more": {
        "nl": "Hier staan de eerste {shown} van de {count} fouten. Verbeter die eerst.",
        "en": "These are the first {shown} of the {count} mistakes. Correct those first.",
    },
    "bulk.col.line": {"nl": "Regel", "en": "Row"},
    "bulk.col.column": {"nl": "Kolom", "en": "Column"},
    "bulk.col.value": {"nl": "Wat er staat", "en": "What it says"},
    "bulk.col.message": {"nl": "Wat is er mis en wat doet u?", "en": "What is wrong and what to do"},
    "bulk.col.file": {"nl": "Bestand", "en": "File"},
    "bulk.col.uploaded": {"nl": "Geüpload op", "en": "Uploaded on"},
    "bulk.col.finished": {"nl": "Klaar op", "en": "Finished on"},
    "bulk.col.rows": {"nl": "Regels", "en": "Rows"},
    "bulk.col.by": {"nl": "Door", "en": "By"},
    "bulk.col.result": {"nl": "Uitkomst", "en": "Outcome"},
    "bulk.col.reference": {"nl": "Referentie", "en": "Reference"},
    "bulk.col.before": {"nl": "Nieuw?", "en": "New?"},
    "bulk.col.links": {"nl": "Certificaat", "en": "Certificate"},
    "bulk.col.code": {"nl": "Code", "en": "Code"},
    "bulk.error.no_file": {"nl": "Kies een CSV-bestand.", "en": "Choose a CSV file."},
    "bulk.error.no_rows": {
        "nl": "Het bestand heeft alleen een kopregel. Zet daaronder één regel per certificaat.",
        "en": "The file only has a header row. Put one row per certificate below it.",
    },
    "bulk.error.too_large": {
        "nl": "Het bestand is groter dan {mb} MB. Verdeel het over meer bestanden.",
        "en": "The file is larger than {mb} MB. Split it into several files.",
    },
    "bulk.error.unknown_job": {
        "nl": "Deze upload bestaat niet, of hoort niet bij uw organisatie.",
        "en": "This upload does not exist, or it does not belong to your organisation.",
    },
    "bulk.error.not_finished": {
        "nl": "Deze upload is nog niet klaar. Kijk later nog eens.",
        "en": "This upload is not finished yet. Please look again later.",
    },
    "bulk.error.nothing_to_print": {
        "nl": "Bij deze upload zijn geen nieuwe certificaten om te printen.",
        "en": "This upload has no new certificates to print.",
    },
    "bulk.preview.title": {"nl": "Controleer en geef de certificaten", "en": "Check and issue the certificates"},
    "bulk.preview.ok": {
        "nl": "Het bestand is in orde. Er is nog niets gegeven.",
        "en": "The file is in order. Nothing has been issued yet.",
    },
    "bulk.preview.new": {"nl": "Er worden {count} certificaten gegeven.", "en": "{count} certificates will be issued."},
    "bulk.preview.new.one": {"nl": "Er wordt 1 certificaat gegeven.", "en": "1 certificate will be issued."},
    "bulk.preview.before": {
        "nl": "{count} regels zijn al eerder gegeven. Die slaan we over.",
        "en": "{count} rows were issued before. We skip those.",
    },
    "bulk.preview.before.one": {
        "nl": "1 regel is al eerder gegeven. Die slaan we over.",
        "en": "1 row was issued before. We skip it.",
    },
    "bulk.preview.all_before": {
        "nl": "Alle regels zijn al eerder gegeven. Er komen geen nieuwe certificaten bij.",
        "en": "All rows were issued before. No new certificates will be added.",
    },
    "bulk.preview.sample_caption": {
        "nl": "De eerste {count} van de {total} regels",
        "en": "The first {count} of the {total} rows",
    },
    "bulk.preview.new_row": {"nl": "nieuw", "en": "new"},
    "bulk.preview.skipped_row": {"nl": "al gegeven, slaan we over", "en": "issued before, skipped"},
    "bulk.preview.confirm_title": {"nl": "Certificaten geven", "en": "Issue the certificates"},
    "bulk.preview.confirm_hint": {
        "nl": "Na de klik ondertekenen en bewaren wij de certificaten. Bij een groot bestand duurt dat een paar "
              "minuten.",
        "en": "After the click we sign and store the certificates. For a large file this takes a few minutes.",
    },
    "bulk.preview.confirm": {"nl": "Geef {count} certificaten", "en": "Issue {count} certificates"},
    "bulk.preview.confirm.one": {"nl": "Geef 1 certificaat", "en": "Issue 1 certificate"},
    "bulk.preview.confirm_none": {"nl": "Afronden", "en": "Finish"},
    "bulk.preview.cancel": {"nl": "Niet geven en het bestand weggooien", "en": "Do not issue, discard the file"},
    "bulk.preview.problems_now": {
        "nl": "Er staan nu fouten in het bestand, want de lijst met competenties is veranderd. Er is niets gegeven. "
              "Verbeter het bestand en upload het opnieuw.",
        "en": "The file now has mistakes, because the list of competences has changed. Nothing was issued. Correct "
              "the file and upload it again.",
    },
    "bulk.flash.cancelled": {
        "nl": "Het bestand is weggegooid. Er is niets gegeven.",
        "en": "The file was discarded. Nothing was issued.",
    },
    "bulk.progress.title": {"nl": "De certificaten worden gegeven", "en": "The certificates are being issued"},
    "bulk.progress.label": {"nl": "Voortgang", "en": "Progress"},
    "bulk.progress.count": {
        "nl": "{done} van {total} certificaten gegeven",
        "en": "{done} of {total} certificates issued",
    },
    "bulk.progress.wait": {
        "nl": "U kunt deze pagina gerust sluiten. Het geven gaat door. U vindt de uitkomst later bij Eerdere uploads.",
        "en": "You may close this page. Issuing goes on. You will find the outcome later under Earlier uploads.",
    },
    "bulk.progress.refresh_on": {
        "nl": "Deze pagina laadt elke {seconds} seconden opnieuw.",
        "en": "This page reloads every {seconds} seconds.",
    },
    "bulk.progress.stop_refresh": {"nl": "Stop met opnieuw laden", "en": "Stop reloading"},
    "bulk.progress.refresh_off": {
        "nl": "Deze pagina laadt niet vanzelf opnieuw.",
        "en": "This page does not reload by itself.",
    },
    "bulk.progress.refresh_now": {"nl": "Nu opnieuw laden", "en": "Reload now"},
    "bulk.progress.refresh_again": {"nl": "Weer vanzelf laden", "en": "Reload by itself again"},
    "bulk.progress.stale": {
        "nl": "Het geven is gestopt. Misschien is de server opnieuw opgestart. Klik op Verder gaan. Wat al gegeven "
              "is, geven we niet nog een keer.",
        "en": "Issuing has stopped. Perhaps the server was restarted. Click Continue. What was issued already is "
              "not issued again.",
    },
    "bulk.progress.resume": {"nl": "Verder gaan", "en": "Continue"},
    "bulk.result.title_done": {"nl": "Klaar: de certificaten zijn gegeven", "en": "Done: the certificates are issued"},
    "bulk.result.title_failed": {"nl": "Het geven is gestopt", "en": "Issuing has stopped"},
    "bulk.result.summary": {"nl": "Uitkomst", "en": "Outcome"},
    "bulk.result.count_issued": {"nl": "Nieuw gegeven: {count}", "en": "Newly issued: {count}"},
    "bulk.result.count_skipped": {
        "nl": "Al eerder gegeven, overgeslagen: {count}",
        "en": "Issued before, skipped: {count}",
    },
    "bulk.result.count_failed": {"nl": "Niet gegeven: {count}", "en": "Not issued: {count}"},
    "bulk.result.issued": {"nl": "Nieuw gegeven", "en": "Newly issued"},
    "bulk.result.skipped": {"nl": "Al eerder gegeven, overgeslagen", "en": "Issued before, skipped"},
    "bulk.result.failed": {"nl": "Niet gegeven", "en": "Not issued"},
    "bulk.result.issued_none": {
        "nl": "Er zijn geen nieuwe certificaten gegeven.",
        "en": "No new certificates were issued.",
    },
    "bulk.result.skipped_none": {"nl": "Er is geen regel overgeslagen.", "en": "No row was skipped."},
    "bulk.result.failed_none": {"nl": "Elke regel is gelukt.", "en": "Every row worked."},
    "bulk.result.skipped_hint": {
        "nl": "Deze regels waren al eerder gegeven. Daar is niets aan veranderd.",
        "en": "These rows were issued before. Nothing about them has changed.",
    },
    "bulk.result.failed_hint": {
        "nl": "Verbeter deze regels en upload het bestand opnieuw. Wat al gegeven is, geven we niet nog een keer.",
        "en": "Correct these rows and upload the file again. What was issued already is not issued again.",
    },
    "bulk.result.shown_first": {
        "nl": "Hier staan de eerste {shown}. Het verslag (CSV) heeft alle regels.",
        "en": "These are the first {shown}. The report (CSV) has every row.",
    },
    "bulk.result.open": {"nl": "Bekijken", "en": "View"},
    "bulk.result.pdf_one": {"nl": "PDF", "en": "PDF"},
    "bulk.result.gone": {"nl": "bestaat niet meer.", "en": "no longer exists."},
    "bulk.result.pdf": {
        "nl": "Alle nieuwe certificaten in één PDF, om te printen",
        "en": "All new certificates in one PDF, to print",
    },
    "bulk.result.pdf_capped": {
        "nl": "De eerste {count} nieuwe certificaten in één PDF, om te printen",
        "en": "The first {count} new certificates in one PDF, to print",
    },
    "bulk.result.pdf_limit": {
        "nl": "In één PDF passen {count} certificaten. Download de andere certificaten los, of upload kleinere "
              "bestanden.",
        "en": "One PDF holds {count} certificates. Download the other certificates one by one, or upload smaller "
              "files.",
    },
    "bulk.result.report": {"nl": "Verslag per regel downloaden (CSV)", "en": "Download the report per row (CSV)"},
    "bulk.result.again": {"nl": "Nog een bestand uploaden", "en": "Upload another file"},
    "bulk.failure.database": {
        "nl": "De database was even niet bereikbaar.",
        "en": "The database was briefly unavailable.",
    },
    "bulk.failure.keystore": {
        "nl": "Ondertekenen lukte niet: de sleutel van uw organisatie is niet te gebruiken. Neem contact op met de "
              "beheerder.",
        "en": "Signing failed: your organisation's key cannot be used. Please contact the administrator.",
    },
    "bulk.failure.org_not_active": {
        "nl": "Uw organisatie mag op dit moment geen certificaten geven.",
        "en": "Your organisation may not issue certificates at the moment.",
    },
    "bulk.failure.unknown": {"nl": "Er ging iets mis.", "en": "Something went wrong."},
    "bulk.failure.after": {
        "nl": "Wat hieronder bij Nieuw gegeven staat, is wel gegeven. Upload hetzelfde bestand later opnieuw voor de "
              "rest. Wat al gegeven is, geven we niet nog een keer.",
        "en": "What is listed under Newly issued below was issued. Upload the same file again later for the rest. "
              "What was issued already is not issued again.",
    },
    "bulk.outcome.issued": {"nl": "gegeven", "en": "issued"},
    "bulk.outcome.skipped": {"nl": "al eerder gegeven", "en": "issued before"},
    "bulk.outcome.failed": {"nl": "niet gegeven", "en": "not issued"},
    "bulk.jobs.title": {"nl": "Eerdere uploads", "en": "Earlier uploads"},
    "bulk.jobs.caption": {
        "nl": "Uploads van uw organisatie, nieuwste eerst",
        "en": "Your organisation's uploads, newest first",
    },
    "bulk.jobs.none": {"nl": "Er zijn nog geen uploads.", "en": "There are no uploads yet."},
    "bulk.jobs.new": {"nl": "Nieuw bestand uploaden", "en": "Upload a new file"},
    "bulk.jobs.counts": {
        "nl": "{issued} gegeven, {skipped} overgeslagen, {failed} niet gegeven",
        "en": "{issued} issued, {skipped} skipped, {failed} not issued",
    },
    "bulk.jobs.rows": {"nl": "{count} regels", "en": "{count} rows"},
    "bulk.jobs.rows.one": {"nl": "1 regel", "en": "1 row"},
    "bulk.state.checked": {"nl": "Wacht op uw klik", "en": "Waiting for your click"},
    "bulk.state.running": {"nl": "Bezig", "en": "In progress"},
    "bulk.state.done": {"nl": "Klaar", "en": "Done"},
    "bulk.state.failed": {"nl": "Gestopt", "en": "Stopped"},
    "bulk.codes.title": {"nl": "Codes van de competenties", "en": "Competence codes"},
    "bulk.codes.intro": {
        "nl": "Zet in de kolom competentie de code of de naam van de competentie. Hoofdletters of kleine letters "
              "maakt niet uit.",
        "en": "In the competence column, put the code or the name of the competence. Capitals or small letters do "
              "not matter.",
    },
    "bulk.codes.levels": {"nl": "Niveaus", "en": "Levels"},
    "bulk.codes.levels_intro": {"nl": "Zet in de kolom niveau 1, 2 of 3.", "en": "In the level column, put 1, 2 or 3."},
    "bulk.back": {"nl": "Terug naar het uploaden", "en": "Back to the upload"},

    # --- organisation and sector -----------------------------------------------------------
    "organisation.title": {"nl": "Organisatie", "en": "Organisation"},
    "organisation.name": {"nl": "Naam", "en": "Name"},
    "organisation.slug": {"nl": "Korte naam", "en": "Short name"},
    "organisation.did": {"nl": "Digitale identiteit (DID)", "en": "Digital identity (DID)"},
    "organisation.membership": {"nl": "Lidmaatschap", "en": "Membership"},
    "organisation.member_since": {"nl": "Lid sinds", "en": "Member since"},
    "organisation.contact": {"nl": "Contact", "en": "Contact"},
    "organisation.shops": {"nl": "Winkels", "en": "Shops"},
    "organisation.no_shops": {"nl": "Nog geen winkels.", "en": "No shops yet."},
    "organisation.keys": {"nl": "Sleutels voor ondertekenen", "en": "Signing keys"},
    "organisation.keys_intro": {
        "nl": "Met de sleutel ondertekent de dienst uw certificaten. Oude sleutels blijven bewaard, zodat oude "
              "certificaten geldig blijven.",
        "en": "The service signs your certificates with the key. Old keys are kept, so old certificates stay valid.",
    },
    "key.current": {"nl": "In gebruik", "en": "In use"},
    "key.retired": {"nl": "Oud, sinds {date}", "en": "Old, since {date}"},
    "key.compromised": {"nl": "Gelekt, sinds {date}", "en": "Leaked, since {date}"},
    "rotate.title": {"nl": "Nieuwe sleutel maken", "en": "Create a new key"},
    "rotate.text": {
        "nl": "Nieuwe certificaten worden daarna met de nieuwe sleutel ondertekend. Oude certificaten blijven geldig.",
        "en": "New certificates are then signed with the new key. Old certificates stay valid.",
    },
    "rotate.submit": {"nl": "Nieuwe sleutel maken", "en": "Create a new key"},
    "flash.rotated": {"nl": "Er is een nieuwe sleutel in gebruik.", "en": "A new key is in use."},
    "membership.active": {"nl": "Actief lid", "en": "Active member"},
    "membership.suspended": {"nl": "Geschorst", "en": "Suspended"},
    "membership.ended": {"nl": "Beëindigd", "en": "Ended"},
    "sector.title": {"nl": "Aangesloten organisaties", "en": "Member organisations"},
    "sector.caption": {"nl": "Organisaties in de sector", "en": "Organisations in the sector"},
    "sector.none": {"nl": "Er zijn nog geen organisaties.", "en": "There are no organisations yet."},

    # --- API tokens (issuer/token_pages.py; the integration API is issuer/api_v1.py) ---------
    "organisation.api_tokens": {"nl": "Koppeling met uw eigen systemen", "en": "Link with your own systems"},
    "organisation.api_tokens_intro": {
        "nl": "Een systeem van uw organisatie kan zelf deelnemers toevoegen en certificaten geven. Het heeft "
              "daarvoor een API-token nodig.",
        "en": "A system of your organisation can add participants and issue certificates by itself. It needs an "
              "API token for that.",
    },
    "organisation.api_tokens_link": {"nl": "API-tokens bekijken en maken", "en": "See and create API tokens"},
    "api_tokens.title": {"nl": "API-tokens", "en": "API tokens"},
    "api_tokens.intro": {
        "nl": "Met een API-token kan een systeem van uw organisatie zelf certificaten geven, bijvoorbeeld uw "
              "deelnemersadministratie. Een token werkt alleen voor uw organisatie. Geef het alleen aan de mensen "
              "die de koppeling maken.",
        "en": "With an API token a system of your organisation can issue certificates by itself, for example your "
              "participant records. A token only works for your organisation. Only give it to the people who build "
              "the link.",
    },
    "api_tokens.docs": {
        "nl": "Voor wie de koppeling bouwt: de technische beschrijving staat op",
        "en": "For whoever builds the link: the technical description is at",
    },
    "api_tokens.new": {"nl": "Nieuw token maken", "en": "Create a new token"},
    "api_tokens.list": {"nl": "Uw tokens", "en": "Your tokens"},
    "api_tokens.none": {"nl": "Er zijn nog geen tokens.", "en": "There are no tokens yet."},
    "api_tokens.prefix": {"nl": "Begint met", "en": "Starts with"},
    "api_tokens.scopes": {"nl": "Mag", "en": "May"},
    "api_tokens.scope.issue": {
        "nl": "deelnemers toevoegen en certificaten geven",
        "en": "add participants and issue certificates",
    },
    "api_tokens.scope.revoke": {
        "nl": "certificaten intrekken en schorsen, en een schorsing opheffen",
        "en": "revoke and suspend certificates, and lift a suspension",
    },
    "api_tokens.created": {"nl": "Gemaakt", "en": "Created"},
    "api_tokens.created_by": {"nl": "{date}, door {name}", "en": "{date}, by {name}"},
    "api_tokens.last_used": {"nl": "Laatst gebruikt", "en": "Last used"},
    "api_tokens.never_used": {"nl": "nog niet gebruikt", "en": "not used yet"},
    "api_tokens.status": {"nl": "Status", "en": "Status"},
    "api_tokens.active": {"nl": "In gebruik", "en": "In use"},
    "api_tokens.revoked": {"nl": "Ingetrokken op {date}", "en": "Revoked on {date}"},
    "api_tokens.back": {"nl": "Terug naar de API-tokens", "en": "Back to the API tokens"},
    "api_tokens.back_organisation": {"nl": "Terug naar de organisatie", "en": "Back to the organisation"},
    "api_token_new.title": {"nl": "Nieuw API-token", "en": "New API token"},
    "api_token_new.intro": {
        "nl": "U ziet het token één keer, direct na het maken. Wij bewaren het token zelf niet.",
        "en": "You see the token once, right after it is made. We do not keep the token itself.",
    },
    "api_token_new.submit": {"nl": "Token maken", "en": "Create the token"},
    "field.token_name": {"nl": "Naam", "en": "Name"},
    "field.token_name.hint": {
        "nl": "Waar is het token voor? Bijvoorbeeld: Deelnemersadministratie.",
        "en": "What is the token for? For example: Participant records.",
    },
    "field.scopes": {"nl": "Wat mag het token doen?", "en": "What may the token do?"},
    "field.scopes.hint": {
        "nl": "Kies alleen wat de koppeling nodig heeft.",
        "en": "Only choose what the link needs.",
    },
    "api_token.title": {"nl": "API-token: {name}", "en": "API token: {name}"},
    "api_token.once_title": {"nl": "Kopieer het token nu", "en": "Copy the token now"},
    "api_token.once": {
        "nl": "U ziet dit token maar één keer. Wij bewaren het niet. Zet het meteen in de koppeling, of bewaar het "
              "veilig, bijvoorbeeld in een wachtwoordkluis.",
        "en": "You see this token only once. We do not keep it. Put it in the link straight away, or keep it "
              "safe, for example in a password manager.",
    },
    "api_token.how": {
        "nl": "De koppeling stuurt het token mee met elk verzoek, zo:",
        "en": "The link sends the token with every request, like this:",
    },
    "api_token.placeholder": {"nl": "<het token>", "en": "<the token>"},
    "api_token.gone": {
        "nl": "Het token zelf kunt u niet meer zien. Bent u het kwijt? Maak dan een nieuw token en trek dit token in.",
        "en": "You can no longer see the token itself. Lost it? Then create a new token and revoke this one.",
    },
    "api_token.revoke_title": {"nl": "Token intrekken", "en": "Revoke the token"},
    "api_token.revoke_text": {
        "nl": "Na het intrekken werkt de koppeling met dit token niet meer. U kunt dit niet ongedaan maken.",
        "en": "After revoking, the link with this token no longer works. You cannot undo this.",
    },
    "api_token.revoke_confirm": {
        "nl": "Ik weet dat de koppeling met dit token daarna niet meer werkt.",
        "en": "I understand that the link with this token will stop working.",
    },
    "api_token.revoke_submit": {"nl": "Token intrekken", "en": "Revoke the token"},
    "flash.api_token_created": {"nl": "Het token is gemaakt.", "en": "The token has been created."},
    "flash.api_token_revoked": {
        "nl": "Het token is ingetrokken. Het werkt niet meer.",
        "en": "The token has been revoked. It no longer works.",
    },
    "flash.api_token_already_revoked": {
        "nl": "Dit token was al ingetrokken. Er is niets veranderd.",
        "en": "This token was already revoked. Nothing was changed.",
    },
    "error.required.name": {"nl": "Vul een naam in.", "en": "Fill in a name."},
    "error.scope_required": {
        "nl": "Kies minstens één ding dat het token mag doen.",
        "en": "Choose at least one thing the token may do.",
    },
    "error.unknown_scope": {
        "nl": "Kies uit de lijst wat het token mag doen.",
        "en": "Choose from the list what the token may do.",
    },
    "error.token_revoked": {
        "nl": "Dit token is al ingetrokken. Er is niets veranderd.",
        "en": "This token has already been revoked. Nothing was changed.",
    },
    "error.unknown_token": {
        "nl": "Dit token bestaat niet, of hoort niet bij uw organisatie.",
        "en": "This token does not exist, or does not belong to your organisation.",
    },
    "error.token_confirm_required": {
        "nl": "Zet een vinkje als u het token echt wilt intrekken.",
        "en": "Tick the box if you really want to revoke the token.",
    },

    # --- error pages -----------------------------------------------------------------------
    "error.page_title": {"nl": "Fout {status}", "en": "Error {status}"},
    "error.400.title": {"nl": "Dit verzoek klopt niet", "en": "This request is not right"},
    "error.400.text": {
        "nl": "Er ging iets mis met wat u stuurde. Er is niets veranderd.",
        "en": "Something was wrong with what you sent. Nothing was changed.",
    },
    "error.csrf.text": {
        "nl": "Het formulier is verlopen of niet compleet. Er is niets veranderd. Ga terug, laad de pagina "
              "opnieuw en probeer het nog een keer.",
        "en": "The form has expired or is incomplete. Nothing was changed. Go back, reload the page and try again.",
    },
    "error.403.title": {"nl": "Geen toegang", "en": "No access"},
    "error.403.text": {
        "nl": "U mag deze pagina niet gebruiken met uw account.",
        "en": "Your account may not use this page.",
    },
    "error.404.title": {"nl": "Niet gevonden", "en": "Not found"},
    "error.404.text": {
        "nl": "Deze pagina bestaat niet, of hoort niet bij uw organisatie.",
        "en": "This page does not exist, or does not belong to your organisation.",
    },
    "error.405.title": {"nl": "Dit kan zo niet", "en": "Not possible this way"},
    "error.405.text": {
        "nl": "Deze pagina werkt niet op deze manier. Ga terug en gebruik de knop op de pagina.",
        "en": "This page does not work this way. Go back and use the button on the page.",
    },
    "error.413.title": {"nl": "Te groot", "en": "Too large"},
    "error.413.text": {
        "nl": "Wat u stuurde is te groot. Er is niets veranderd.",
        "en": "What you sent is too large. Nothing was changed.",
    },
    "error.500.title": {"nl": "Er ging iets mis", "en": "Something went wrong"},
    "error.500.text": {
        "nl": "Er ging bij ons iets mis. Er is niets veranderd. Probeer het later nog een keer.",
        "en": "Something went wrong on our side. Nothing was changed. Please try again later.",
    },
    "error.keystore.title": {"nl": "Ondertekenen lukt nu niet", "en": "Signing is not possible now"},
    "error.keystore.text": {
        "nl": "De sleutel van uw organisatie is niet te gebruiken. Er is niets veranderd. Neem contact op met "
              "de beheerder van de dienst.",
        "en": "Your organisation's key cannot be used. Nothing was changed. Please contact the service's "
              "administrator.",
    },

    # --- form and service errors (error.<code> and error.<code>.<field>) --------------------
    "error.unknown": {
        "nl": "Dit klopt niet. Controleer wat u hebt ingevuld.",
        "en": "This is not right. Please check what you filled in.",
    },
    "error.login_failed": {
        "nl": "Het e-mailadres of het wachtwoord klopt niet. Na 5 foute pogingen kunt u 15 minuten niet inloggen.",
        "en": "The e-mail address or the password is not right. After 5 wrong attempts you cannot log in "
              "for 15 minutes.",
    },
    "error.required": {"nl": "Vul dit veld in.", "en": "Fill in this field."},
    "error.required.email": {"nl": "Vul uw e-mailadres in.", "en": "Fill in your e-mail address."},
    "error.required.password": {"nl": "Vul uw wachtwoord in.", "en": "Fill in your password."},
    "error.required.holder_name": {"nl": "Vul de naam van de deelnemer in.", "en": "Fill in the participant's name."},
    "error.required.reason": {"nl": "Vul een reden in.", "en": "Fill in a reason."},
    "error.required.competence": {
        "nl": "Kies een competentie uit de lijst.",
        "en": "Choose a competence from the list.",
    },
    "error.too_long": {
        "nl": "Dit is te lang. Gebruik hoogstens {max} tekens.",
        "en": "This is too long. Use at most {max} characters.",
    },
    "error.control_chars": {
        "nl": "Op plek {position} staat een onzichtbaar teken dat niet mag. Haal het weg of typ de tekst opnieuw.",
        "en": "There is an invisible character that is not allowed at position {position}. Remove it or type "
        "the text again.",
    },
    "error.bad_email": {
        "nl": "Dit is geen goed e-mailadres. Een e-mailadres ziet er zo uit: naam@voorbeeld.nl.",
        "en": "This is not a valid e-mail address. An e-mail address looks like this: name@example.org.",
    },
    "error.bad_level": {"nl": "Kies niveau 1, 2 of 3.", "en": "Choose level 1, 2 or 3."},
    "error.unknown_competence": {
        "nl": "Deze competentie bestaat niet. Kies een competentie uit de lijst.",
        "en": "This competence does not exist. Choose a competence from the list.",
    },
    "error.retired_competence": {
        "nl": "Deze competentie wordt niet meer gebruikt. Kies een andere competentie uit de lijst.",
        "en": "This competence is no longer used. Choose another competence from the list.",
    },
    "error.future_date": {
        "nl": "De datum mag niet in de toekomst liggen. Kies vandaag of een eerdere dag.",
        "en": "The date cannot be in the future. Choose today or an earlier day.",
    },
    "error.bad_date": {
        "nl": "Dit is geen goede datum. Schrijf de datum zo: 23-11-2026.",
        "en": "This is not a valid date. Write the date like this: 23-11-2026.",
    },
    "error.wrong_org": {
        "nl": "Dit hoort bij een andere organisatie. Kies uit de lijst.",
        "en": "This belongs to another organisation. Choose from the list.",
    },
    "error.wrong_org.participant": {
        "nl": "Deze deelnemer hoort niet bij uw organisatie. Kies een deelnemer uit de lijst.",
        "en": "This participant does not belong to your organisation. Choose a participant from the list.",
    },
    "error.wrong_org.shop": {
        "nl": "Deze winkel hoort niet bij uw organisatie. Kies een winkel uit de lijst.",
        "en": "This shop does not belong to your organisation. Choose a shop from the list.",
    },
    "error.unknown_participant": {
        "nl": "Deze deelnemer bestaat niet bij uw organisatie. Kies een deelnemer uit de lijst.",
        "en": "This participant does not exist in your organisation. Choose a participant from the list.",
    },
    "error.unknown_shop": {
        "nl": "Deze winkel bestaat niet bij uw organisatie. Kies een winkel uit de lijst.",
        "en": "This shop does not exist in your organisation. Choose a shop from the list.",
    },
    "error.participant_erased": {
        "nl": "De gegevens van deze deelnemer zijn gewist. Kies een andere deelnemer.",
        "en": "This participant's data has been erased. Choose another participant.",
    },
    "error.unknown_certificate": {
        "nl": "Dit certificaat bestaat niet, of hoort niet bij uw organisatie. Er is niets veranderd.",
        "en": "This certificate does not exist, or does not belong to your organisation. Nothing was changed.",
    },
    "error.unknown_org": {
        "nl": "Deze organisatie bestaat niet. Controleer de naam.",
        "en": "This organisation does not exist. Please check the name.",
    },
    "error.already_revoked": {
        "nl": "Dit certificaat is al ingetrokken. Er is niets veranderd.",
        "en": "This certificate has already been revoked. Nothing was changed.",
    },
    "error.already_suspended": {
        "nl": "Dit certificaat is al geschorst. Er is niets veranderd.",
        "en": "This certificate is already suspended. Nothing was changed.",
    },
    "error.not_suspended": {
        "nl": "Dit certificaat is niet geschorst. Er is niets veranderd.",
        "en": "This certificate is not suspended. Nothing was changed.",
    },
    "error.confirm_required": {
        "nl": "Zet een vinkje als u het certificaat echt wilt intrekken.",
        "en": "Tick the box if you really want to revoke the certificate.",
    },
    "error.org_not_active": {
        "nl": "Uw organisatie is nu geen actief lid. U kunt geen certificaten geven. Neem contact op met de sector.",
        "en": "Your organisation is not an active member now. You cannot issue certificates. Please contact "
              "the sector.",
    },
    "error.no_key": {
        "nl": "Uw organisatie heeft geen sleutel om te ondertekenen. Vraag de beheerder om een nieuwe sleutel.",
        "en": "Your organisation has no key to sign with. Ask the administrator for a new key.",
    },
    "error.no_keys": {
        "nl": "Deze installatie mag niet ondertekenen. Er is niets veranderd.",
        "en": "This installation may not sign. Nothing was changed.",
    },
    "error.cannot_build": {
        "nl": "Het certificaat kon niet worden gemaakt. Er is niets opgeslagen. Neem contact op met de beheerder.",
        "en": "The certificate could not be made. Nothing was saved. Please contact the administrator.",
    },
    "error.duplicate": {
        "nl": "Dit certificaat bestaat al. Er is niets veranderd.",
        "en": "This certificate already exists. Nothing was changed.",
    },
    "error.unknown_key": {"nl": "Deze sleutel bestaat niet.", "en": "This key does not exist."},
    "error.already_compromised": {
        "nl": "Deze sleutel is al als gelekt gemeld.",
        "en": "This key has already been reported as leaked.",
    },
    "error.unknown_status_list": {"nl": "Deze statuslijst bestaat niet.", "en": "This status list does not exist."},
    "error.bad_role": {"nl": "Kies een rol uit de lijst.", "en": "Choose a role from the list."},
    "error.bad_slug": {
        "nl": "Gebruik voor de korte naam alleen kleine letters, cijfers en streepjes.",
        "en": "Use only lower-case letters, digits and hyphens for the short name.",
    },
    "error.org_exists": {
        "nl": "Er is al een organisatie met deze korte naam.",
        "en": "An organisation with this short name already exists.",
    },
    "error.org_required": {"nl": "Kies een organisatie.", "en": "Choose an organisation."},
    "error.password_short": {
        "nl": "Het wachtwoord moet minstens 12 tekens hebben.",
        "en": "The password needs at least 12 characters.",
    },
    "error.password_simple": {
        "nl": "Dit wachtwoord is te makkelijk. Gebruik meer verschillende tekens, en niet uw e-mailadres.",
        "en": "This password is too simple. Use more different characters, and not your e-mail address.",
    },
    "error.user_exists": {
        "nl": "Er is al een account met dit e-mailadres.",
        "en": "An account with this e-mail address already exists.",
    },
    # --- public verifier pages (verifier/pages.py; B1, see docs/taalgids-b1.md) --------------
    "verify.form.title": {"nl": "Certificaat controleren", "en": "Check a certificate"},
    "verify.form.intro": {
        "nl": "Hebt u een certificaat van een kringloop gekregen? Hier ziet u of het echt is en of het nog geldt.",
        "en": "Did you get a certificate from a kringloop (re-use) organisation? Here you can see if it is "
              "genuine and still valid.",
    },
    "verify.form.qr": {
        "nl": "Staat er een QR-code op het certificaat op papier? Scan die met de camera van uw telefoon. "
              "Dan ziet u de uitslag meteen.",
        "en": "Is there a QR code on the paper certificate? Scan it with the camera of your phone. "
              "Then you see the result straight away.",
    },
    "verify.form.file_label": {"nl": "Bestand van het certificaat", "en": "Certificate file"},
    "verify.form.code": {
        "nl": "Geen camera? Onder de QR-code staat een code.",
        "en": "No camera? There is a code under the QR code.",
    },
    "verify.form.code_link": {"nl": "Typ die code hier.", "en": "Type that code here."},
    "verify.form.file_hint": {
        "nl": "Kies het bestand dat u van de persoon hebt gekregen: de PDF van het certificaat, of het bestand "
              "dat eindigt op .json.",
        "en": "Choose the file you got from the person: the certificate's PDF, or the file that ends in .json.",
    },
    "verify.form.or": {"nl": "of", "en": "or"},
    "verify.form.text_label": {"nl": "Tekst van het certificaat", "en": "Text of the certificate"},
    "verify.form.text_hint": {
        "nl": "Hebt u de tekst van het certificaat gekregen, bijvoorbeeld in een e-mail? Plak de hele tekst hier.",
        "en": "Did you get the text of the certificate, for example in an e-mail? Paste all of the text here.",
    },
    "verify.form.submit": {"nl": "Controleren", "en": "Check"},
    "verify.form.privacy": {
        "nl": "We bewaren het bestand en de tekst niet. We gebruiken ze alleen voor deze controle.",
        "en": "We do not keep the file or the text. We only use them for this check.",
    },
    "verify.error.nothing": {
        "nl": "Kies een bestand of plak de tekst van het certificaat.",
        "en": "Choose a file or paste the text of the certificate.",
    },
    "verify.error.empty": {
        "nl": "Dit bestand is leeg. Kies het goede bestand.",
        "en": "This file is empty. Choose the right file.",
    },
    "verify.error.both": {
        "nl": "U hebt een bestand gekozen en ook tekst geplakt. Gebruik er maar één van.",
        "en": "You chose a file and also pasted text. Use only one of them.",
    },
    "verify.error.pdf_not_a_pdf": {
        "nl": "Dit bestand is geen PDF die we kunnen lezen. Kies het certificaat dat u hebt gekregen.",
        "en": "This file is not a PDF we can read. Choose the certificate you received.",
    },
    "verify.error.pdf_unreadable": {
        "nl": "Deze PDF is beschadigd of we kunnen hem niet lezen. Vraag de persoon om het bestand opnieuw te "
              "sturen.",
        "en": "This PDF is damaged or we cannot read it. Ask the person to send the file again.",
    },
    "verify.error.pdf_no_credential": {
        "nl": "In deze PDF zit geen digitaal certificaat. Misschien is hij opnieuw opgeslagen of gescand. Scan de "
              "QR-code op het papier, of vraag om de PDF zoals die van de kringloop kwam.",
        "en": "This PDF holds no digital certificate. Perhaps it was saved again or scanned. Scan the QR code on "
              "the paper, or ask for the PDF as it came from the kringloop shop.",
    },
    "verify.error.pdf_too_large": {
        "nl": "Deze PDF is te groot voor een certificaat. Kies het goede bestand.",
        "en": "This PDF is too large to be a certificate. Choose the right file.",
    },
    "verify.error.pdf_too_many": {
        "nl": "In deze PDF zitten te veel certificaten om in één keer te controleren. Scan de QR-code op elke "
              "pagina.",
        "en": "This PDF holds too many certificates to check at once. Scan the QR code on each page.",
    },
    "verify.error.pdf_too_many_attachments": {
        "nl": "In deze PDF zitten te veel bestanden. Kies het certificaat dat u hebt gekregen.",
        "en": "This PDF holds too many files. Choose the certificate you received.",
    },
    "verify.error.pdf_attachment_too_large": {
        "nl": "Het certificaat in deze PDF is te groot. Vraag de persoon om het bestand opnieuw te sturen.",
        "en": "The certificate inside this PDF is too large. Ask the person to send the file again.",
    },
    "verify.error.pdf_several_credentials": {
        "nl": "In deze PDF zitten meerdere certificaten. Scan de QR-code op elke pagina.",
        "en": "This PDF holds several certificates. Scan the QR code on each page.",
    },
    "verify.several.title": {"nl": "{count} certificaten gecontroleerd", "en": "{count} certificates checked"},
    "verify.several.intro": {
        "nl": "In dit bestand zitten meerdere certificaten. Hieronder staat per certificaat of het echt is en nog "
              "geldt. Meer weten over één certificaat? Scan de QR-code op de pagina van dat certificaat.",
        "en": "This file holds several certificates. Below you see for each one whether it is genuine and still "
              "stands. Want to know more about one certificate? Scan the QR code on its page.",
    },
    "verify.code.title": {"nl": "Code van een certificaat typen", "en": "Type a certificate's code"},
    "verify.code.intro": {
        "nl": "Onder de QR-code op een certificaat staat een code van 12 tekens. Typ die code hier. U ziet dan of "
              "het certificaat echt is en nog geldt.",
        "en": "Under the QR code on a certificate is a code of 12 characters. Type it here. You then see whether "
              "the certificate is genuine and still stands.",
    },
    "verify.code.label": {"nl": "Code", "en": "Code"},
    "verify.code.hint": {
        "nl": "Bijvoorbeeld K7MX-4QPD-9TRW. Kleine letters mogen ook.",
        "en": "For example K7MX-4QPD-9TRW. Small letters are fine too.",
    },
    "verify.code.submit": {"nl": "Controleren", "en": "Check"},
    "verify.code.file": {"nl": "Hebt u het bestand van het certificaat?", "en": "Do you have the certificate's file?"},
    "verify.code.file_link": {"nl": "Controleer het bestand.", "en": "Check the file."},
    "verify.code.error.format": {
        "nl": "Een code heeft 12 letters en cijfers, zoals K7MX-4QPD-9TRW. Kijk nog eens goed.",
        "en": "A code has 12 letters and digits, like K7MX-4QPD-9TRW. Please look again.",
    },
    "verify.code.error.unknown": {
        "nl": "Bij deze code vinden we geen certificaat. Kijk of u de code goed hebt getypt. Of scan de QR-code.",
        "en": "We find no certificate with this code. Check that you typed it correctly. Or scan the QR code.",
    },
    "verify.error.too_large": {
        "nl": "Dit is te groot voor een certificaat. Kies het goede bestand.",
        "en": "This is too large to be a certificate. Choose the right file.",
    },
    "verify.error.bad_text": {
        "nl": "In het bestand staan tekens die niet kloppen. Vraag de persoon om het bestand opnieuw te sturen.",
        "en": "The file contains characters that are not valid. Ask the person to send the file again.",
    },
    "verify.error.unreadable": {
        "nl": "Dit is geen certificaat dat we kunnen lezen. Kies het bestand dat eindigt op .json, of plak de "
              "hele tekst.",
        "en": "This is not a certificate we can read. Choose the file that ends in .json, or paste all of the "
              "text.",
    },
    "verify.checked_at": {"nl": "Gecontroleerd op {moment}.", "en": "Checked on {moment}."},
    "verify.again": {"nl": "Nog een certificaat controleren", "en": "Check another certificate"},
    "verify.check_a_file": {"nl": "Een bestand controleren", "en": "Check a file"},
    "verify.limit.title": {"nl": "Even wachten", "en": "Please wait"},
    "verify.limit.text": {
        "nl": "U hebt in korte tijd heel veel certificaten bekeken. Wacht een minuut. Probeer het daarna opnieuw.",
        "en": "You looked at a great many certificates in a short time. Wait a minute. Then try again.",
    },

    # --- the holder's portfolio (plain Dutch, "je": the access letter speaks so too) ---------
    "portfolio.login.title": {"nl": "Mijn certificaten", "en": "My certificates"},
    "portfolio.login.intro": {
        "nl": "Hier zie je de certificaten die je bij de kringloop hebt gehaald. Je kunt ze downloaden en "
              "printen. Typ de persoonlijke code uit je brief.",
        "en": "Here you see the certificates you earned at the kringloop shop. You can download and print "
              "them. Type the personal code from your letter.",
    },
    "portfolio.field.code": {"nl": "Persoonlijke code", "en": "Personal code"},
    "portfolio.field.code.hint": {
        "nl": "De code staat in je brief, bijvoorbeeld ABCD-EFGH-JKLM-NPQR. Kleine letters mogen ook.",
        "en": "The code is in your letter, for example ABCD-EFGH-JKLM-NPQR. Small letters are fine too.",
    },
    "portfolio.login.submit": {"nl": "Open mijn certificaten", "en": "Open my certificates"},
    "portfolio.login.lost": {
        "nl": "Ben je de code kwijt? Vraag je werkbegeleider om een nieuwe code.",
        "en": "Lost your code? Ask your supervisor for a new code.",
    },
    "portfolio.login.employer": {
        "nl": "Ben je werkgever en wil je een certificaat controleren?",
        "en": "Are you an employer who wants to check a certificate?",
    },
    "portfolio.login.employer_link": {"nl": "Ga naar de controlepagina.", "en": "Go to the check page."},
    "portfolio.error.required": {"nl": "Typ je persoonlijke code.", "en": "Type your personal code."},
    "portfolio.error.wrong_code": {
        "nl": "Deze code klopt niet. Kijk goed naar de code in je brief en probeer het opnieuw. Lukt het niet? "
              "Vraag je werkbegeleider om een nieuwe code.",
        "en": "This code is not right. Look carefully at the code in your letter and try again. Still not "
              "working? Ask your supervisor for a new code.",
    },
    "portfolio.limit.title": {"nl": "Even wachten", "en": "Please wait"},
    "portfolio.limit.text": {
        "nl": "Er is te vaak een code geprobeerd. Wacht een minuut. Probeer het daarna opnieuw.",
        "en": "A code was tried too often. Wait a minute. Then try again.",
    },
    "portfolio.flash.expired": {
        "nl": "Je was te lang weg. Typ je code opnieuw.",
        "en": "You were away too long. Type your code again.",
    },
    "portfolio.flash.logged_out": {
        "nl": "Je certificaten zijn gesloten.",
        "en": "Your certificates are closed.",
    },
    "portfolio.flash.shown": {
        "nl": "De openbare pagina staat aan.",
        "en": "The public page is on.",
    },
    "portfolio.flash.hidden": {
        "nl": "De openbare pagina staat uit.",
        "en": "The public page is off.",
    },
    "portfolio.title": {"nl": "Certificaten van {name}", "en": "Certificates of {name}"},
    "portfolio.logout": {"nl": "Sluiten", "en": "Close"},
    "portfolio.intro": {
        "nl": "Op een computer van iemand anders? Klik op Sluiten als je klaar bent.",
        "en": "On someone else's computer? Click Close when you are done.",
    },
    "portfolio.all.title": {"nl": "Alles in één keer", "en": "Everything at once"},
    "portfolio.all.pdf": {"nl": "Alle certificaten (PDF)", "en": "All certificates (PDF)"},
    "portfolio.all.pdf.hint": {
        "nl": "Eén bestand om te printen of te mailen: een overzicht en daarna elk certificaat op een eigen "
              "pagina.",
        "en": "One file to print or e-mail: an overview, then each certificate on its own page.",
    },
    "portfolio.all.zip": {"nl": "Alles als ZIP-bestand", "en": "Everything as a ZIP file"},
    "portfolio.all.zip.hint": {
        "nl": "Elk certificaat als PDF en als JSON, met uitleg voor een werkgever.",
        "en": "Each certificate as PDF and JSON, with a note for an employer.",
    },
    "portfolio.all.none": {
        "nl": "Je hebt op dit moment geen geldige certificaten om te downloaden.",
        "en": "You have no valid certificates to download at the moment.",
    },
    "portfolio.list.title": {"nl": "Je certificaten ({count})", "en": "Your certificates ({count})"},
    "portfolio.empty": {
        "nl": "Je hebt nog geen certificaten. Je werkbegeleider geeft ze als je iets hebt geleerd.",
        "en": "You have no certificates yet. Your supervisor issues them when you have learned something.",
    },
    "portfolio.revoked": {
        "nl": "Dit certificaat is ingetrokken. Het geldt niet meer. Vraag je werkbegeleider waarom.",
        "en": "This certificate was revoked. It no longer stands. Ask your supervisor why.",
    },
    "portfolio.suspended": {
        "nl": "Dit certificaat is tijdelijk geschorst. Vraag je werkbegeleider waarom.",
        "en": "This certificate is suspended for now. Ask your supervisor why.",
    },
    "portfolio.download.pdf": {"nl": "Download PDF", "en": "Download PDF"},
    "portfolio.download.json": {"nl": "Download JSON (digitaal bestand)", "en": "Download JSON (digital file)"},
    "portfolio.public.on": {
        "nl": "De openbare pagina staat aan: wie de QR-code scant, ziet dat het certificaat echt is.",
        "en": "The public page is on: whoever scans the QR code sees that the certificate is genuine.",
    },
    "portfolio.public.look": {"nl": "Bekijk de pagina.", "en": "See the page."},
    "portfolio.public.off": {
        "nl": "De openbare pagina staat uit: wie de QR-code scant, ziet niets van dit certificaat. Een werkgever "
              "kan het bestand nog wel controleren.",
        "en": "The public page is off: whoever scans the QR code sees nothing of this certificate. An employer "
              "can still check the file.",
    },
    "portfolio.public.turn_off": {"nl": "Zet de openbare pagina uit", "en": "Turn the public page off"},
    "portfolio.public.turn_on": {"nl": "Zet de openbare pagina aan", "en": "Turn the public page on"},
    "portfolio.data.title": {"nl": "Je gegevens", "en": "Your data"},
    "portfolio.data.text": {
        "nl": "Je mag zien welke gegevens wij over je bewaren. Je mag ook vragen om ze te wissen.",
        "en": "You may see which data we keep about you. You may also ask us to erase it.",
    },
    "portfolio.data.download": {"nl": "Download al mijn gegevens (JSON)", "en": "Download all my data (JSON)"},
    "portfolio.data.erase": {"nl": "Mijn gegevens wissen", "en": "Erase my data"},
    "portfolio.erase.title": {"nl": "Je gegevens wissen", "en": "Erase your data"},
    "portfolio.erase.what": {"nl": "Als je je gegevens wist:", "en": "If you erase your data:"},
    "portfolio.erase.point1": {
        "nl": "Je naam, je e-mailadres en je code worden gewist. Je kunt deze pagina daarna niet meer openen.",
        "en": "Your name, e-mail address and code are erased. You can no longer open this page.",
    },
    "portfolio.erase.point2": {
        "nl": "Je certificaten staan niet meer op internet. Wie de QR-code scant, ziet dat je het certificaat "
              "niet meer deelt.",
        "en": "Your certificates are no longer on the internet. Whoever scans the QR code sees that you no "
              "longer share the certificate.",
    },
    "portfolio.erase.point3": {
        "nl": "De bestanden die je zelf hebt (PDF of JSON), blijven echt. Een werkgever kan ze nog steeds "
              "controleren.",
        "en": "The files you keep yourself (PDF or JSON) stay genuine. An employer can still check them.",
    },
    "portfolio.erase.first": {
        "nl": "Wil je je certificaten houden? Download ze dan eerst. Wissen kan niet ongedaan worden gemaakt.",
        "en": "Want to keep your certificates? Download them first. Erasing cannot be undone.",
    },
    "portfolio.erase.back": {"nl": "Terug naar je certificaten", "en": "Back to your certificates"},
    "portfolio.erase.confirm": {
        "nl": "Ja, ik wil dat mijn gegevens worden gewist.",
        "en": "Yes, I want my data to be erased.",
    },
    "portfolio.erase.confirm_required": {
        "nl": "Zet een vinkje als je zeker weet dat je je gegevens wilt wissen.",
        "en": "Tick the box if you are sure you want to erase your data.",
    },
    "portfolio.erase.submit": {"nl": "Wis mijn gegevens", "en": "Erase my data"},
    "portfolio.erased.title": {"nl": "Je gegevens zijn gewist", "en": "Your data has been erased"},
    "portfolio.erased.text": {
        "nl": "Je naam, je e-mailadres en je code zijn gewist. De bestanden die je zelf hebt, blijven echt.",
        "en": "Your name, e-mail address and code have been erased. The files you keep yourself stay genuine.",
    },

    # The verdict: a heading and one sentence.
    "verify.verdict.valid.title": {"nl": "Echt en geldig", "en": "Genuine and valid"},
    "verify.verdict.valid.text": {
        "nl": "Dit certificaat is echt en geldig.",
        "en": "This certificate is genuine and valid.",
    },
    "verify.verdict.revoked.title": {"nl": "Ingetrokken", "en": "Cancelled"},
    "verify.verdict.revoked.text": {
        "nl": "De organisatie heeft dit certificaat ingetrokken. Het geldt niet meer.",
        "en": "The organisation has cancelled this certificate. It is no longer valid.",
    },
    "verify.verdict.suspended.title": {"nl": "Tijdelijk niet geldig", "en": "Not valid for now"},
    "verify.verdict.suspended.text": {
        "nl": "De organisatie heeft dit certificaat tijdelijk stopgezet. Het is nu niet geldig. Dat kan later "
              "weer veranderen.",
        "en": "The organisation has put this certificate on hold. It is not valid now. That may change later.",
    },
    "verify.verdict.expired.title": {"nl": "Verlopen", "en": "Expired"},
    "verify.verdict.expired.text": {
        "nl": "Dit certificaat is echt, maar het is verlopen. Het geldt niet meer.",
        "en": "This certificate is genuine, but it has expired. It is no longer valid.",
    },
    "verify.verdict.invalid.title": {"nl": "Niet te vertrouwen", "en": "Cannot be trusted"},
    "verify.verdict.invalid.text": {
        "nl": "Dit certificaat is niet echt of is veranderd. U kunt het niet vertrouwen.",
        "en": "This certificate is not genuine or has been changed. You cannot trust it.",
    },
    "verify.verdict.invalid.unknown_org": {
        "nl": "Dit certificaat komt van een organisatie die niet bekend is in de kringloopsector. U kunt het "
              "niet vertrouwen.",
        "en": "This certificate comes from an organisation that is not known in the kringloop sector. You cannot "
              "trust it.",
    },
    "verify.verdict.invalid.not_certificate": {
        "nl": "Dit is geen certificaat dat we kunnen lezen.",
        "en": "This is not a certificate we can read.",
    },
    "verify.verdict.invalid.unchecked": {
        "nl": "We konden niet nagaan of dit certificaat nog geldt. Vertrouw het nu nog niet. Probeer het later "
              "opnieuw.",
        "en": "We could not find out if this certificate is still valid. Do not rely on it for now. Try again "
              "later.",
    },
    "verify.verdict.invalid.not_allowed": {
        "nl": "De organisatie mocht dit certificaat op dat moment niet geven. U kunt het niet vertrouwen.",
        "en": "The organisation was not allowed to give this certificate at that time. You cannot trust it.",
    },
    "verify.verdict.not_found.title": {"nl": "Niet gevonden", "en": "Not found"},
    "verify.verdict.not_found.text": {
        "nl": "Bij deze link hoort geen certificaat. Misschien is de link niet helemaal goed overgenomen.",
        "en": "There is no certificate at this link. Maybe the link was not copied completely.",
    },
    "verify.verdict.not_found.next": {
        "nl": "Hebt u het bestand van het certificaat? Dan kunt u het hier controleren.",
        "en": "Do you have the certificate file? Then you can check it here.",
    },
    "verify.verdict.withdrawn.title": {"nl": "Niet openbaar gedeeld", "en": "Not shared publicly"},
    "verify.verdict.withdrawn.text": {
        "nl": "Deze persoon deelt dit certificaat niet openbaar. Vraag de persoon om het bestand; dat kunt u "
              "hier controleren.",
        "en": "This person does not share this certificate publicly. Ask the person for the file; you can "
              "check it here.",
    },
    "verify.verdict.withdrawn.next": {
        "nl": "Wij laten hier daarom niets van het certificaat zien.",
        "en": "That is why we show nothing of the certificate here.",
    },

    # What the certificate says.
    "verify.facts.title": {"nl": "Wat er op het certificaat staat", "en": "What the certificate says"},
    "verify.facts.untrusted_title": {
        "nl": "Wat er in het bestand staat (niet te vertrouwen)",
        "en": "What the file says (not to be trusted)",
    },
    "verify.facts.untrusted_text": {
        "nl": "Deze gegevens kunnen vals zijn. Gebruik ze niet om iemand te beoordelen.",
        "en": "This information may be false. Do not use it to judge anyone.",
    },
    "verify.facts.compare": {
        "nl": "Kijk of de naam klopt met de persoon die u het certificaat laat zien.",
        "en": "See if the name matches the person who shows you the certificate.",
    },
    "verify.facts.holder": {"nl": "Naam", "en": "Name"},
    "verify.facts.competence": {"nl": "Vaardigheid", "en": "Skill"},
    "verify.facts.description": {"nl": "Wat houdt het in", "en": "What it means"},
    "verify.facts.criteria": {"nl": "Wat de persoon doet", "en": "What the person does"},
    "verify.facts.level": {"nl": "Niveau", "en": "Level"},
    "verify.facts.level_value": {
        "nl": "{name} (niveau {number} van {count})",
        "en": "{name} (level {number} of {count})",
    },
    "verify.facts.organisation": {"nl": "Gegeven door", "en": "Given by"},
    "verify.facts.shop": {"nl": "Werkplek", "en": "Workplace"},
    "verify.facts.issued_on": {"nl": "Datum", "en": "Date"},
    "verify.facts.valid_until": {"nl": "Geldig tot", "en": "Valid until"},
    "verify.facts.no_end_date": {"nl": "Geen einddatum", "en": "No end date"},
    "verify.facts.evidence": {"nl": "Toelichting", "en": "Explanation"},
    "verify.facts.missing": {"nl": "(staat er niet op)", "en": "(not given)"},

    # What each check found: verify.check.<check>.<outcome>[.<code>], then verify.check.any.<outcome>.
    "verify.checks.title": {"nl": "Wat we hebben gecontroleerd", "en": "What we checked"},
    "verify.outcome.passed": {"nl": "In orde:", "en": "OK:"},
    "verify.outcome.failed": {"nl": "Niet in orde:", "en": "Not OK:"},
    "verify.outcome.skipped": {"nl": "Niet gecontroleerd:", "en": "Not checked:"},
    "verify.check.any.passed": {"nl": "Deze controle is goed gegaan.", "en": "This check went well."},
    "verify.check.any.failed": {"nl": "Deze controle is niet goed gegaan.", "en": "This check did not go well."},
    "verify.check.any.skipped": {
        "nl": "Dit konden we niet nagaan, omdat een eerdere controle niet goed ging.",
        "en": "We could not check this, because an earlier check did not go well.",
    },
    "verify.check.structure.passed": {
        "nl": "Het bestand is een certificaat in de juiste vorm.",
        "en": "The file is a certificate in the right form.",
    },
    "verify.check.structure.failed": {
        "nl": "Het bestand is geen goed certificaat. Er ontbreekt iets, of er staat iets verkeerd in.",
        "en": "The file is not a proper certificate. Something is missing, or something in it is wrong.",
    },
    "verify.check.structure.failed.not_an_object": {
        "nl": "Het bestand is geen certificaat.",
        "en": "The file is not a certificate.",
    },
    "verify.check.structure.failed.unprocessable": {
        "nl": "Het bestand is geen certificaat dat we kunnen lezen.",
        "en": "The file is not a certificate we can read.",
    },
    "verify.check.valid_signature.passed": {
        "nl": "De digitale handtekening klopt. Niemand heeft het certificaat veranderd.",
        "en": "The digital signature is correct. Nobody has changed the certificate.",
    },
    "verify.check.valid_signature.failed": {
        "nl": "De digitale handtekening klopt niet. Het certificaat is veranderd of nagemaakt.",
        "en": "The digital signature is not correct. The certificate has been changed or copied.",
    },
    "verify.check.valid_signature.failed.missing_proof": {
        "nl": "Het certificaat heeft geen digitale handtekening. Daarom is het niet te vertrouwen.",
        "en": "The certificate has no digital signature. So it cannot be trusted.",
    },
    "verify.check.valid_signature.failed.unresolvable_key": {
        "nl": "We kunnen de digitale handtekening niet nakijken. De organisatie op het certificaat is niet "
              "bekend in de kringloopsector.",
        "en": "We cannot look at the digital signature. The organisation on the certificate is not known in "
              "the kringloop sector.",
    },
    "verify.check.valid_signature.failed.proof_expired": {
        "nl": "De digitale handtekening is verlopen.",
        "en": "The digital signature has expired.",
    },
    "verify.check.issuer_key.passed": {
        "nl": "De handtekening is van de organisatie die op het certificaat staat.",
        "en": "The signature belongs to the organisation named on the certificate.",
    },
    "verify.check.issuer_key.failed": {
        "nl": "De handtekening is van een andere organisatie dan die op het certificaat staat.",
        "en": "The signature belongs to another organisation than the one on the certificate.",
    },
    "verify.check.issuer_key.failed.missing_issuer": {
        "nl": "Er staat niet op het certificaat welke organisatie het gaf.",
        "en": "The certificate does not say which organisation gave it.",
    },
    "verify.check.registered_issuer.passed": {
        "nl": "{org} hoort bij de kringloopsector en mocht dit certificaat geven.",
        "en": "{org} is part of the kringloop sector and was allowed to give this certificate.",
    },
    "verify.check.registered_issuer.failed": {
        "nl": "{org} mocht dit certificaat op dat moment niet geven.",
        "en": "{org} was not allowed to give this certificate at that time.",
    },
    "verify.check.registered_issuer.failed.not_a_member": {
        "nl": "De organisatie op het certificaat is niet bekend in de kringloopsector. U kunt het certificaat "
              "niet vertrouwen.",
        "en": "The organisation on the certificate is not known in the kringloop sector. You cannot trust the "
              "certificate.",
    },
    "verify.check.registered_issuer.failed.unknown_key": {
        "nl": "De handtekening is niet van {org}. Het certificaat is nagemaakt.",
        "en": "The signature is not from {org}. The certificate is a copy made by someone else.",
    },
    "verify.check.registered_issuer.failed.key_compromised": {
        "nl": "Het certificaat is ondertekend nadat {org} had gemeld dat haar handtekening niet meer veilig was.",
        "en": "The certificate was signed after {org} reported that its signature was no longer safe.",
    },
    "verify.check.registered_issuer.failed.key_retired": {
        "nl": "Het certificaat is ondertekend met een handtekening die {org} toen niet meer gebruikte.",
        "en": "The certificate was signed with a signature that {org} no longer used at that time.",
    },
    "verify.check.registered_issuer.failed.key_not_yet_valid": {
        "nl": "De datum van de handtekening klopt niet.",
        "en": "The date of the signature is not right.",
    },
    "verify.check.registered_issuer.failed.no_signing_time": {
        "nl": "Er staat niet op het certificaat wanneer het is ondertekend.",
        "en": "The certificate does not say when it was signed.",
    },
    "verify.check.registered_issuer.failed.not_yet_member": {
        "nl": "Het certificaat is gegeven voordat {org} bij de kringloopsector hoorde.",
        "en": "The certificate was given before {org} was part of the kringloop sector.",
    },
    "verify.check.registered_issuer.failed.membership_suspended": {
        "nl": "{org} was tijdelijk geen lid van de kringloopsector toen het certificaat werd gegeven.",
        "en": "{org} was temporarily not a member of the kringloop sector when the certificate was given.",
    },
    "verify.check.registered_issuer.failed.membership_ended": {
        "nl": "{org} was geen lid meer van de kringloopsector toen het certificaat werd gegeven.",
        "en": "{org} was no longer a member of the kringloop sector when the certificate was given.",
    },
    "verify.check.validity_period.passed": {
        "nl": "De datums kloppen: het certificaat geldt op dit moment.",
        "en": "The dates are right: the certificate is valid at this moment.",
    },
    "verify.check.validity_period.failed": {
        "nl": "De datums op het certificaat kloppen niet.",
        "en": "The dates on the certificate are not right.",
    },
    "verify.check.validity_period.failed.expired": {
        "nl": "Het certificaat is verlopen. De einddatum is voorbij.",
        "en": "The certificate has expired. The end date has passed.",
    },
    "verify.check.validity_period.failed.not_yet_valid": {
        "nl": "Het certificaat geldt nog niet. De begindatum is nog niet bereikt.",
        "en": "The certificate is not valid yet. The start date has not come yet.",
    },
    "verify.check.status.passed": {
        "nl": "De organisatie heeft het certificaat niet ingetrokken en niet stopgezet.",
        "en": "The organisation has not cancelled the certificate and has not put it on hold.",
    },
    "verify.check.status.failed": {
        "nl": "We konden niet nagaan of de organisatie het certificaat heeft ingetrokken.",
        "en": "We could not find out if the organisation has cancelled the certificate.",
    },
    "verify.check.status.failed.revoked": {
        "nl": "De organisatie heeft het certificaat ingetrokken. Het geldt niet meer.",
        "en": "The organisation has cancelled the certificate. It is no longer valid.",
    },
    "verify.check.status.failed.suspended": {
        "nl": "De organisatie heeft het certificaat tijdelijk stopgezet.",
        "en": "The organisation has put the certificate on hold for now.",
    },
    "verify.check.status.skipped": {
        "nl": "We konden niet nagaan of het certificaat is ingetrokken, omdat de handtekening niet klopt.",
        "en": "We could not find out if the certificate was cancelled, because the signature is not correct.",
    },
    "verify.check.status.skipped.no_status": {
        "nl": "Dit certificaat kan niet worden ingetrokken. Hier was niets na te gaan.",
        "en": "This certificate cannot be cancelled. There was nothing to look at here.",
    },

    # Whom to contact.
    "verify.contact.title": {"nl": "Vragen over dit certificaat?", "en": "Questions about this certificate?"},
    "verify.contact.ask": {"nl": "Vragen? Neem contact op met {org}.", "en": "Questions? Contact {org}."},
    "verify.contact.the_organisation": {"nl": "De organisatie", "en": "The organisation"},
    "verify.contact.lead_valid": {
        "nl": "Wilt u meer weten? Neem contact op met de organisatie die het certificaat gaf:",
        "en": "Do you want to know more? Contact the organisation that gave the certificate:",
    },
    "verify.contact.lead_problem": {
        "nl": "Vraag de organisatie die het certificaat gaf wat dit betekent:",
        "en": "Ask the organisation that gave the certificate what this means:",
    },
    "verify.contact.name": {"nl": "Organisatie", "en": "Organisation"},
    "verify.contact.email": {"nl": "E-mail", "en": "E-mail"},
    "verify.contact.phone": {"nl": "Telefoon", "en": "Phone"},
    "verify.contact.website": {"nl": "Website", "en": "Website"},
    "verify.contact.no_details": {
        "nl": "Deze organisatie heeft ons geen e-mailadres, telefoonnummer of website gegeven.",
        "en": "This organisation has not given us an e-mail address, phone number or website.",
    },
    "verify.contact.unknown": {
        "nl": "De organisatie op dit certificaat is niet bekend in de kringloopsector. Wij hebben dus geen "
              "gegevens om contact op te nemen. Vertrouw dit certificaat niet.",
        "en": "The organisation on this certificate is not known in the kringloop sector. So we have no "
              "details to contact it. Do not trust this certificate.",
    },

    # For experts only (inside <details>).
    "verify.tech.title": {"nl": "Technische details", "en": "Technical details"},
    "verify.tech.intro": {
        "nl": "Voor specialisten. U hebt dit niet nodig om de uitslag te begrijpen.",
        "en": "For specialists. You do not need this to understand the result.",
    },
    "verify.tech.table": {"nl": "Alle controles", "en": "All checks"},

    # How the check works (for readers who never heard of digital certificates).
    "verify.about.title": {"nl": "Hoe werkt deze controle?", "en": "How does this check work?"},
    "verify.about.signature": {
        "nl": "De organisatie zet een digitale handtekening op elk certificaat dat zij geeft. Wij kijken of die "
              "handtekening klopt. Zo weet u dat niemand het certificaat heeft veranderd.",
        "en": "The organisation puts a digital signature on every certificate it gives. We look at whether that "
              "signature is correct. That way you know that nobody has changed the certificate.",
    },
    "verify.about.register": {
        "nl": "We kijken ook of de organisatie bij de kringloopsector hoort. En of zij het certificaat niet "
              "heeft ingetrokken of stopgezet.",
        "en": "We also look at whether the organisation is part of the kringloop sector. And whether it has not "
              "cancelled the certificate or put it on hold.",
    },
    "verify.about.address": {
        "nl": "Let op: vertrouw alleen een uitslag op een pagina waarvan het adres begint met {base}.",
        "en": "Please note: only trust a result on a page whose address starts with {base}.",
    },

}
# fmt: on

# The sector admin's pages keep their texts in modules of their own.
for _part in (texts_trust.MESSAGES, texts_framework.MESSAGES, texts_regions.MESSAGES):
    _twice = MESSAGES.keys() & _part.keys()
    if _twice:
        raise RuntimeError(f"text keys defined twice: {sorted(_twice)}")
    MESSAGES.update(_part)


def remember_language() -> None:
    """Keep a ``?lang=`` choice in the session (a ``before_request`` hook)."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def current_language() -> str:
    """The ``?lang=`` of this request, else the session's choice, else Dutch."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    remembered = session.get(SESSION_KEY)
    return str(remembered) if remembered in LANGUAGES else DEFAULT_LANGUAGE


def other_language() -> str:
    return "en" if current_language() == "nl" else "nl"


class _Params(dict[str, Any]):
    """Format parameters that leave a missing placeholder visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def translate(language: str, key: str, **params: Any) -> str:
    """The text for ``key`` in ``language``; the key itself (logged) when there is none."""
    entry = MESSAGES.get(key)
    if entry is None:
        log.warning("no text for %r", key)
        return key
    text = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return text.format_map(_Params(params))


def t(key: str, **params: Any) -> str:
    """The text for ``key`` in the current language, with ``params`` filled in."""
    return translate(current_language(), key, **params)


def error_message(code: str, field: str | None = None, params: dict[str, Any] | None = None) -> str:
    """Advice for a refused input: ``error.<code>.<field>``, else ``error.<code>``, else a general line."""
    for key in (f"error.{code}.{field}", f"error.{code}"):
        if key in MESSAGES:
            return t(key, **(params or {}))
    return t("error.unknown")


def format_date(moment: Any, language: str | None = None) -> str:
    """``23 november 2026`` / ``23 November 2026`` for a date or datetime (empty for None)."""
    if moment is None:
        return ""
    months = MONTHS[language or current_language()]
    return f"{moment.day} {months[moment.month - 1]} {moment.year}"

"""Texts of the sector admin's regional figures pages, Dutch first (merged into :mod:`issuer.i18n`)."""

from __future__ import annotations

from typing import Final

# fmt: off
MESSAGES: Final[dict[str, dict[str, str]]] = {
    "nav.region_figures": {"nl": "Cijfers per regio", "en": "Figures per region"},
    "organisation.shops_regions_link": {
        "nl": "Regio van de winkels aanpassen", "en": "Change the region of the shops",
    },
    "flash.region_added": {"nl": "De regio is toegevoegd.", "en": "The region was added."},
    "flash.region_saved": {"nl": "De regio is opgeslagen.", "en": "The region was saved."},
    "flash.region_removed": {"nl": "De regio is verwijderd.", "en": "The region was removed."},
    "flash.regions_imported": {"nl": "Het bestand is verwerkt.", "en": "The file was processed."},
    "flash.regions_import_unchanged": {
        "nl": "Het bestand is gelezen. Er was niets te veranderen.", "en": "The file was read. Nothing had to change.",
    },
    "flash.shop_region_saved": {"nl": "De regio van de winkel is opgeslagen.", "en": "The shop's region was saved."},
    "error.bad_month": {
        "nl": "Schrijf de maand als jaar-maand, bijvoorbeeld 2026-03.",
        "en": "Write the month as year-month, for example 2026-03.",
    },
    "error.bad_period": {
        "nl": "Kies een periode van 1 tot 120 maanden. De eerste maand komt voor de laatste.",
        "en": "Choose a period of 1 to 120 months. The first month comes before the last.",
    },
    "error.unknown_region": {"nl": "Kies een regio uit de lijst.", "en": "Choose a region from the list."},
    "error.region_exists": {
        "nl": "Er is al een regio met de naam {name}. Kies een andere naam.",
        "en": "There is already a region called {name}. Choose another name.",
    },
    "error.region_in_use": {
        "nl": "{name} kan niet weg: er horen nog {shops} winkels bij. Zet die winkels eerst in een andere regio.",
        "en": "{name} cannot be removed: {shops} shops are still in it. Move those shops to another region first.",
    },
    "error.bad_partnership": {"nl": "Kies ja of nee.", "en": "Choose yes or no."},
    "error.bad_region_name": {
        "nl": "Deze naam kan niet. Gebruik letters en cijfers, op één regel.",
        "en": "This name cannot be used. Use letters and digits, on one line.",
    },

    # --- figures page ------------------------------------------------------------------------
    "regions.figures.title": {"nl": "Cijfers per arbeidsmarktregio", "en": "Figures per labour-market region"},
    "regions.figures.intro": {
        "nl": "Hoeveel certificaten de winkels gaven, per regio, competentie, niveau en maand. Ingetrokken "
              "certificaten tellen niet mee. Tijdelijk stopgezette certificaten tellen wel mee.",
        "en": "How many certificates the shops issued, per region, competence, level and month. Revoked "
              "certificates are not counted. Suspended certificates are.",
    },
    "regions.figures.privacy": {
        "nl": "De cijfers zijn anoniem. Er staan geen namen, nummers of winkels in. Een groep van minder dan 5 "
              "mensen tonen we niet. Een totaal waaruit u zo'n kleine groep kunt terugrekenen, tonen we ook niet.",
        "en": "The figures are anonymous. They hold no names, numbers or shops. We do not show a group of fewer "
              "than 5 people, nor a total from which such a small group could be worked out.",
    },
    "regions.figures.manage_link": {"nl": "Regio's beheren", "en": "Manage the regions"},
    "regions.figures.csv": {"nl": "Download als CSV (Excel)", "en": "Download as CSV (Excel)"},
    "regions.figures.legend": {
        "nl": "<5 = minder dan 5 mensen. x = niet getoond, om de mensen te beschermen.",
        "en": "<5 = fewer than 5 people. x = not shown, to protect the people.",
    },
    "regions.figures.none": {
        "nl": "In deze periode en regio zijn geen certificaten gegeven.",
        "en": "No certificates were issued in this period and region.",
    },
    "regions.filter.from": {"nl": "Van maand", "en": "From month"},
    "regions.filter.to": {"nl": "Tot en met maand", "en": "Up to and including month"},
    "regions.filter.month_hint": {"nl": "Bijvoorbeeld 2026-03", "en": "For example 2026-03"},
    "regions.filter.region": {"nl": "Regio", "en": "Region"},
    "regions.filter.all": {"nl": "Alle regio's", "en": "All regions"},
    "regions.filter.partnership": {
        "nl": "Alleen regio's van het sectorpartnerschap", "en": "Only regions of the sector partnership",
    },
    "regions.filter.submit": {"nl": "Toon de cijfers", "en": "Show the figures"},
    "regions.unknown": {"nl": "Onbekend (winkel zonder regio)", "en": "Unknown (shop without a region)"},
    "regions.unknown_region": {"nl": "Deze regio bestaat niet.", "en": "This region does not exist."},
    "regions.csv_refused": {
        "nl": "De keuze voor de cijfers klopt niet. Ga terug en kies opnieuw.",
        "en": "The choice for the figures is not valid. Go back and choose again.",
    },
    "regions.trend.title": {"nl": "Verloop per regio", "en": "Trend per region"},
    "regions.trend.intro": {
        "nl": "Het aantal certificaten per maand. Elke regio heeft een eigen schaal. Een grijs streepje is een "
              "maand die we niet tonen.",
        "en": "The number of certificates per month. Each region has its own scale. A grey mark is a month "
              "we do not show.",
    },
    "regions.trend.table": {"nl": "De getallen van {region}", "en": "The numbers for {region}"},
    "regions.trend.caption": {
        "nl": "Certificaten en mensen per maand in {region}", "en": "Certificates and people per month in {region}",
    },
    "regions.chart.title": {"nl": "Certificaten per maand in {region}", "en": "Certificates per month in {region}"},
    "regions.chart.desc": {
        "nl": "Staafdiagram van {first} tot en met {last}. Het hoogste aantal is {top}, in {top_month}. De tabel "
              "hieronder geeft alle getallen.",
        "en": "Bar chart from {first} to {last}. The highest number is {top}, in {top_month}. The table below "
              "gives every number.",
    },
    "regions.chart.desc_none": {
        "nl": "Staafdiagram zonder getoonde maanden voor {region}: de groepen zijn te klein.",
        "en": "Bar chart without shown months for {region}: the groups are too small.",
    },
    "regions.chart.top": {"nl": "hoogste: {top}", "en": "highest: {top}"},
    "regions.detail.title": {"nl": "Per competentie en niveau", "en": "Per competence and level"},
    "regions.detail.caption": {
        "nl": "Certificaten en mensen per regio, maand, competentie en niveau",
        "en": "Certificates and people per region, month, competence and level",
    },
    "regions.detail.capped": {
        "nl": "Hier staan de eerste {shown} van {total} regels. De CSV heeft ze allemaal. U kunt ook één regio kiezen.",
        "en": "These are the first {shown} of {total} lines. The CSV has all of them. You can also choose one region.",
    },
    "regions.col.region": {"nl": "Regio", "en": "Region"},
    "regions.col.month": {"nl": "Maand", "en": "Month"},
    "regions.col.group": {"nl": "Groep", "en": "Group"},
    "regions.col.competence": {"nl": "Competentie", "en": "Competence"},
    "regions.col.level": {"nl": "Niveau", "en": "Level"},
    "regions.col.certificates": {"nl": "Certificaten", "en": "Certificates"},
    "regions.col.people": {"nl": "Mensen", "en": "People"},
    "regions.col.code": {"nl": "Code", "en": "Code"},
    "regions.col.partnership": {"nl": "Sectorpartnerschap", "en": "Sector partnership"},
    "regions.col.shops": {"nl": "Winkels", "en": "Shops"},
    "regions.col.change": {"nl": "Aanpassen", "en": "Change"},
    "regions.col.line": {"nl": "Regel", "en": "Line"},
    "regions.col.column": {"nl": "Kolom", "en": "Column"},
    "regions.col.value": {"nl": "Inhoud", "en": "Value"},
    "regions.col.problem": {"nl": "Wat moet anders", "en": "What to change"},

    # --- regions page ------------------------------------------------------------------------
    "regions.list.title": {"nl": "Arbeidsmarktregio's", "en": "Labour-market regions"},
    "regions.list.intro": {
        "nl": "Elke winkel hoort bij een arbeidsmarktregio. Hier past u de lijst aan als de overheid de regio's "
              "verandert, of als het sectorpartnerschap andere regio's krijgt.",
        "en": "Every shop belongs to a labour-market region. Change the list here when the government changes "
              "the regions, or when the sector partnership covers other regions.",
    },
    "regions.list.figures_link": {"nl": "Naar de cijfers per regio", "en": "Go to the figures per region"},
    "regions.list.table": {"nl": "Alle regio's", "en": "All regions"},
    "regions.list.caption": {
        "nl": "Arbeidsmarktregio's met sectorpartnerschap en aantal winkels",
        "en": "Labour-market regions with sector partnership and number of shops",
    },
    "regions.unplaced.title": {"nl": "Winkels zonder regio", "en": "Shops without a region"},
    "regions.unplaced.intro": {
        "nl": "Deze winkels hebben nog geen regio. Hun certificaten tellen mee als 'onbekend'. Kies de juiste regio.",
        "en": "These shops have no region yet. Their certificates count as 'unknown'. Choose the right region.",
    },
    "regions.unplaced.label": {"nl": "Regio van {shop} ({organisation})", "en": "Region of {shop} ({organisation})"},
    "regions.unplaced.legacy": {
        "nl": "Eerder ingevuld: \u201c{text}\u201d. Deze naam staat niet in de lijst.",
        "en": "Filled in before: \u201c{text}\u201d. This name is not in the list.",
    },
    "regions.no_region": {"nl": "Geen regio", "en": "No region"},
    "regions.save": {"nl": "Opslaan", "en": "Save"},
    "regions.change": {"nl": "{name} aanpassen", "en": "Change {name}"},
    "regions.delete": {"nl": "{name} verwijderen", "en": "Remove {name}"},
    "regions.in_use": {
        "nl": "Er horen {count} winkels bij deze regio. Daarom kan hij niet weg.",
        "en": "{count} shops are in this region, so it cannot be removed.",
    },
    "regions.field.name": {"nl": "Naam van de regio", "en": "Name of the region"},
    "regions.field.partnership": {"nl": "Hoort bij het sectorpartnerschap", "en": "Part of the sector partnership"},
    "regions.partnership.yes": {"nl": "ja", "en": "yes"},
    "regions.partnership.no": {"nl": "nee", "en": "no"},
    "regions.add.title": {"nl": "Regio toevoegen", "en": "Add a region"},
    "regions.add.hint": {"nl": "De naam zoals de overheid hem gebruikt.", "en": "The name the government uses."},
    "regions.add.submit": {"nl": "Regio toevoegen", "en": "Add the region"},
    "regions.import.title": {"nl": "Lijst inlezen", "en": "Import a list"},
    "regions.import.intro": {
        "nl": "Een CSV-bestand met de kolommen name en in_sector_partnership (yes of no), en eventueel code. Met "
              "de code geeft u een regio een nieuwe naam. Regio's die niet in het bestand staan, blijven zoals "
              "ze zijn. Is er één fout, dan verandert er niets.",
        "en": "A CSV file with the columns name and in_sector_partnership (yes or no), and optionally code. With "
              "the code you rename a region. Regions not in the file stay as they are. With any error, nothing "
              "changes.",
    },
    "regions.import.download": {"nl": "Download de huidige lijst", "en": "Download the current list"},
    "regions.import.problems": {"nl": "Fouten in het bestand", "en": "Errors in the file"},
    "regions.import.file": {"nl": "Bestand", "en": "File"},
    "regions.import.hint": {"nl": "CSV, UTF-8, met komma's of puntkomma's.", "en": "CSV, UTF-8, commas or semicolons."},
    "regions.import.submit": {"nl": "Bestand inlezen", "en": "Import the file"},
    "regions.import.no_file": {"nl": "Kies een bestand.", "en": "Choose a file."},
    "regions.import.refused": {
        "nl": "Het bestand heeft {count} fouten. Er is niets veranderd. Zie de tabel.",
        "en": "The file has {count} errors. Nothing was changed. See the table.",
    },
    "regions.import.problem.not_utf8": {"nl": "Sla het bestand op als CSV UTF-8.", "en": "Save the file as CSV UTF-8."},
    "regions.import.problem.file_too_large": {"nl": "Het bestand is groter dan 1 MB.", "en": "The file is over 1 MB."},
    "regions.import.problem.empty_file": {"nl": "Het bestand is leeg.", "en": "The file is empty."},
    "regions.import.problem.bad_header": {
        "nl": "De eerste regel moet de kolommen name en in_sector_partnership hebben.",
        "en": "The first line must have the columns name and in_sector_partnership.",
    },
    "regions.import.problem.too_many_lines": {"nl": "Meer dan 1000 regels.", "en": "More than 1000 lines."},
    "regions.import.problem.empty_name": {"nl": "Vul een naam in.", "en": "Fill in a name."},
    "regions.import.problem.too_long": {
        "nl": "De naam is langer dan 100 tekens.", "en": "The name is over 100 characters.",
    },
    "regions.import.problem.control_chars": {
        "nl": "De naam heeft vreemde tekens.", "en": "The name has odd characters.",
    },
    "regions.import.problem.bad_region_name": {"nl": "Deze naam kan niet.", "en": "This name cannot be used."},
    "regions.import.problem.bad_partnership": {
        "nl": "Schrijf yes of no (of ja of nee).", "en": "Write yes or no (or ja or nee).",
    },
    "regions.import.problem.bad_code": {
        "nl": "Een code heeft alleen kleine letters, cijfers en streepjes.",
        "en": "A code has only lowercase letters, digits and hyphens.",
    },
    "regions.import.problem.duplicate_name": {
        "nl": "Deze regio staat al eerder in het bestand.", "en": "This region is in the file twice.",
    },
    "regions.import.problem.duplicate_code": {
        "nl": "Deze code staat al eerder in het bestand.", "en": "This code is in the file twice.",
    },
    "regions.import.problem.region_exists": {
        "nl": "Een andere regio heeft deze naam al.", "en": "Another region has this name already.",
    },
    "regions.import.problem.no_regions": {"nl": "Het bestand heeft geen regio's.", "en": "The file has no regions."},

    # --- the organisation's shops --------------------------------------------------------------
    "regions.shops.title": {"nl": "Regio van de winkels", "en": "Region of the shops"},
    "regions.shops.intro": {
        "nl": "Kies voor elke winkel de arbeidsmarktregio waar hij ligt. De branchevereniging telt de "
              "certificaten per regio, zonder namen.",
        "en": "Choose for each shop the labour-market region it is in. The branch association counts the "
              "certificates per region, without names.",
    },
    "regions.shops.label": {"nl": "Regio van {shop}", "en": "Region of {shop}"},
    "regions.shops.back": {"nl": "Terug naar de organisatie", "en": "Back to the organisation"},
}
# fmt: on

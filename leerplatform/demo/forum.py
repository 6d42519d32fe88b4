"""Demo forum: participants, about 300 threads with reply trees, answers and recommendations.

Everything here is invented. The texts are data, not interface, so they are not translated.
A seeded random generator picks the combinations, so every run gives the same demo.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update

from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.accounts.passwords import hash_password
from leerplatform.accounts.services import record_consent
from leerplatform.clock import utcnow
from leerplatform.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Recommendation, Theme, Thread, ThreadKind, ThreadTheme
from leerplatform.forum.services import accept_answer, recommend, reply_to, start_thread
from leerplatform.regions.models import NATIONAL_CODE, Municipality, Region
from leerplatform.regions.services import join_region

SEED = 2026
AMSTERDAM = "5515"
HISTORY_DAYS = 300
"""The demo conversations span about ten months."""
MAX_DEPTH = 5

K = ThreadKind
T = Theme
P = ParticipantKind

# (display name, kind of participant, home region code): one per region, four in Amsterdam.
PARTICIPANTS: list[tuple[str, ParticipantKind, str]] = [
    ("Vader van Daan (demo)", P.OUDER, "5501"),
    ("Moeder van Lotte (demo)", P.OUDER, "5502"),
    ("Metgezel Ingrid (demo)", P.METGEZEL, "5503"),
    ("Moeder van Noah (demo)", P.OUDER, "5504"),
    ("Begeleider Fatima (demo)", P.ZORGPROFESSIONAL, "5505"),
    ("Vader van Mila (demo)", P.OUDER, "5506"),
    ("Ouders van Finn (demo)", P.OUDER, "5507"),
    ("Dagcentrum De Waterlelie (demo)", P.ZORGAANBIEDER, "5508"),
    ("Moeder van Yara (demo)", P.OUDER, "5509"),
    ("Vader van Sami (demo)", P.OUDER, "5510"),
    ("Cliëntondersteuner Priya (demo)", P.OVERIG, "5511"),
    ("Moeder van Julia (demo)", P.OUDER, "5512"),
    ("Vader van Tess (demo)", P.OUDER, "5513"),
    ("Verpleegkundige Joost (demo)", P.ZORGPROFESSIONAL, "5514"),
    ("Moeder van Bram (demo)", P.OUDER, "5515"),
    ("Zorginkoper Ellen (demo)", P.ZORGKANTOOR, "5516"),
    ("Vader van Nora (demo)", P.OUDER, "5517"),
    ("Moeder van Ayoub (demo)", P.OUDER, "5518"),
    ("Fysiotherapeut Marleen (demo)", P.ZORGPROFESSIONAL, "5519"),
    ("Moeder van Jesse (demo)", P.OUDER, "5520"),
    ("Moeder van Liam (demo)", P.OUDER, "5521"),
    ("Logeerhuis Het Kompas (demo)", P.ZORGAANBIEDER, "5523"),
    ("Vader van Emma (demo)", P.OUDER, "5524"),
    ("Metgezel Hans (demo)", P.METGEZEL, "5525"),
    ("Moeder van Hamza (demo)", P.OUDER, "5526"),
    ("Zorgbemiddelaar Bas (demo)", P.ZORGKANTOOR, "5527"),
    ("Pleegmoeder van Roos (demo)", P.OUDER, "5528"),
    ("Arts VG Sanne (demo)", P.ZORGPROFESSIONAL, "5529"),
    ("Vader van Thijs (demo)", P.OUDER, "5530"),
    ("Moeder van Ilse (demo)", P.OUDER, "5531"),
    ("Vrijwilliger Henk (demo)", P.OVERIG, "5532"),
    ("Ouders van Kees (demo)", P.OUDER, "5515"),
    ("Persoonlijk begeleider Rik (demo)", P.ZORGPROFESSIONAL, "5515"),
    ("Zorgboerderij De Hooiberg (demo)", P.ZORGAANBIEDER, "5515"),
]

# How many threads a region gets; the others get 6 to 9. The pinned welcome threads count too.
BUSY_REGIONS = {
    AMSTERDAM: 25,
    NATIONAL_CODE: 26,
    "5521": 13,
    "5509": 13,
    "5518": 12,
    "5529": 11,
    "5513": 11,
    "5501": 10,
}
PINNED_BUSIEST = ("5521", "5509", "5518")
"""Regions where the thread with the most replies is pinned."""

VOICES: dict[str, frozenset[str]] = {
    "ouder": frozenset({P.OUDER.value}),
    "prof": frozenset({P.ZORGPROFESSIONAL.value, P.ZORGAANBIEDER.value}),
    "professional": frozenset({P.ZORGPROFESSIONAL.value}),
    "aanbieder": frozenset({P.ZORGAANBIEDER.value}),
    "zorgkantoor": frozenset({P.ZORGKANTOOR.value}),
    "any": frozenset(kind.value for kind in P),
}
"""Who can say a line: a parent's story is not told by a care office."""


def participant_email(number: int) -> str:
    return f"deelnemer-{number:02d}@{DEMO_DOMAIN}"


def _md(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class _Template:
    kind: ThreadKind
    themes: tuple[Theme, ...]
    voice: str
    titles: tuple[str, ...]
    body: str


def _t(
    kind: ThreadKind, themes: Iterable[Theme], voice: str, titles: Iterable[str], body: str
) -> _Template:
    return _Template(kind, tuple(themes), voice, tuple(titles), body)


# Placeholders: {regio}, {gemeente}, {zorgkantoor}, {n}, {keer}, {wachttijd}, {maanden},
# {minuten}, {korte_rit}, {km}, {leeftijd}, {leeftijd_volw}.
TEMPLATES: list[_Template] = [
    # Goede voorbeelden
    _t(
        K.GOED_VOORBEELD,
        (T.LOGEREN, T.PERSONEEL),
        "ouder",
        (
            "Vaste gezichten bij het logeren: zo doen ze het in {gemeente}",
            "Logeren met een vast team van {n} begeleiders werkt echt",
            "Eindelijk rustig slapen als onze zoon logeert",
        ),
        _md(
            "Onze zoon logeert sinds een jaar één weekend per maand in een logeerhuis in "
            "{gemeente}. Wat het verschil maakt: hij heeft een vast team van {n} begeleiders. "
            "Zij kennen zijn signalen, weten hoe hij het liefst ligt en zien meteen als hij "
            "pijn heeft.",
            "Wat ze daar anders doen:",
            "- Elk logeerkind heeft twee vaste begeleiders die het weekend plannen.\n"
            "- Nieuwe collega's lopen eerst drie diensten mee voordat ze alleen staan.\n"
            "- Er gaat een overdrachtsschrift mee, heen en terug.",
            "Voor ons betekent dit dat we echt kunnen slapen als hij daar is. Misschien iets "
            "voor andere logeerhuizen in {regio}?",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.LOGEREN, T.OVERIG),
        "ouder",
        (
            "Tip: een map 'Zo zorg je voor mij' die meegaat naar het logeerhuis",
            "Onze logeermap: alles over de zorg op een paar bladzijden",
        ),
        _md(
            "Elke keer als onze dochter ergens nieuw kwam, legden we alles opnieuw uit. Daarom "
            "maakten we een map: 'Zo zorg je voor mij'.",
            "Wat erin staat:",
            "- hoe ze het liefst ligt en zit, met foto's van de houding (zonder gezicht)\n"
            "- welke geluiden en gezichten wat betekenen\n"
            "- het schema voor sondevoeding en medicijnen\n"
            "- wat je doet bij een epileptische aanval",
            "De map gaat mee naar het logeerhuis, de dagbesteding en het ziekenhuis. "
            "Begeleiders zeggen dat ze er veel aan hebben. En wij hoeven minder te bellen.",
            "Wil je de opzet zien? Laat het weten, dan zet ik hem hier neer. Zonder "
            "persoonlijke gegevens natuurlijk.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.DAGBESTEDING, T.VERVOER),
        "aanbieder",
        (
            "Dagbesteding in {gemeente} regelt zelf het vervoer",
            "Eigen rolstoelbus en vaste chauffeur: korte ritten naar de dagbesteding",
        ),
        _md(
            "Wij halen de deelnemers van onze dagbesteding in {gemeente} sinds vorig jaar zelf op. "
            "We hebben twee rolstoelbussen en vaste chauffeurs die de zorg ook kennen.",
            "Wat het oplevert:",
            "- Geen rit duurt langer dan {korte_rit} minuten. We plannen kleine routes.\n"
            "- De chauffeur kent iedereen en ziet het als iemand een slechte dag heeft.\n"
            "- Ouders wachten niet meer op een taxi die te laat is.",
            "Het kost ons meer dan het gewone taxivervoer. Maar de deelnemers komen rustiger "
            "binnen, en daardoor is de hele dag beter. We praten nu met het zorgkantoor over "
            "een passende vergoeding.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.WONEN,),
        "ouder",
        (
            "Deeltijdwonen: drie dagen thuis, vier dagen in de woongroep",
            "Zo begonnen wij met deeltijdwonen in {gemeente}",
        ),
        _md(
            "Onze dochter is {leeftijd_volw} en woont sinds een half jaar deels in een kleine "
            "woongroep in {gemeente}. Van donderdag tot maandag is ze daar, de rest van de week "
            "thuis.",
            "We kozen hiervoor omdat we het niet meer volhielden, maar haar ook niet helemaal "
            "wilden loslaten. Deeltijdwonen gaf ons de tijd om er samen aan te wennen.",
            "Wat hielp:",
            "- Een proefperiode van drie maanden, met elke maand een evaluatie.\n"
            "- Hetzelfde dagritme thuis en in de groep.\n"
            "- Een eigen bed en een tillift op allebei de plekken.",
            "Het zorgkantoor dacht goed mee over de indicatie. Vraag ernaar als je dit ook "
            "overweegt.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.WONEN, T.BEKOSTIGING),
        "ouder",
        (
            "Ouderinitiatief: met {n} gezinnen samen een woonhuis opgezet",
            "Samen wonen met een PGB: ons ouderinitiatief in {regio}",
        ),
        _md(
            "Een paar jaar geleden vonden we geen plek die paste. Daarom zijn we met {n} "
            "gezinnen zelf begonnen. We huren een huis in {gemeente} en huren samen een vast "
            "team in, betaald uit het PGB van onze kinderen.",
            "Het was veel werk: een stichting oprichten, een zorgplan per bewoner, afspraken "
            "met het zorgkantoor. Maar nu wonen onze kinderen samen in een huis waar ze gezien "
            "worden.",
            "Wat we anderen willen meegeven:",
            "1. Begin met een kleine groep ouders die elkaar vertrouwen.\n"
            "2. Zoek al vroeg een ervaren zorgaanbieder of coördinator.\n"
            "3. Praat meteen met het zorgkantoor over de budgetten.",
            "Vragen? Stel ze hieronder, we delen graag wat we geleerd hebben.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.PERSONEEL, T.DAGBESTEDING),
        "prof",
        (
            "Stagiairs opleiden op de groep: zo houden we vaste gezichten",
            "Samen met het mbo nieuwe collega's vinden voor de dagbesteding",
        ),
        _md(
            "Op onze dagbestedingsgroep in {gemeente} hadden we steeds meer invallers. Voor "
            "onze deelnemers is dat zwaar: zij hebben mensen nodig die hen kennen.",
            "Daarom werken we nu samen met een mbo-school. Elk jaar leiden we {n} stagiairs "
            "op, met een vaste werkbegeleider. Ze leren de zorg in de praktijk: tillen, "
            "sondevoeding, epilepsie. En vooral: kijken en luisteren naar iemand die niet "
            "praat.",
            "Van de laatste groep stagiairs zijn er drie bij ons gebleven. De groep is veel "
            "rustiger geworden.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.HULPMIDDELEN, T.LOGEREN),
        "ouder",
        (
            "Uitleenpunt voor hulpmiddelen bij het logeerhuis",
            "Geen gesleep meer met de tillift: het logeerhuis heeft er zelf een",
        ),
        _md(
            "Elke keer dat onze zoon ging logeren, namen we een halve auto vol spullen mee: de "
            "tilband, het badzitje, de speciale kussens. Het logeerhuis in {gemeente} heeft nu "
            "een eigen uitleenpunt.",
            "Hoe het werkt:",
            "- Het logeerhuis heeft een plafondlift, een douchebrancard en kussens in "
            "verschillende maten.\n"
            "- Bij de intake kijkt de ergotherapeut wat er nodig is.\n"
            "- Alleen echt persoonlijke spullen, zoals de eigen rolstoel, gaan nog mee.",
            "Dat scheelt ons veel gedoe. En er is geen discussie meer over wie wat betaalt: de "
            "Wmo of de Wlz.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.REGELGEVING, T.OVERIG),
        "ouder",
        (
            "Een Metgezel hielp ons door de Wlz-aanvraag",
            "Wat een Metgezel (vroeger Copiloot) voor ons deed",
        ),
        _md(
            "Toen onze zoon {leeftijd} was, moesten we ineens van alles regelen. Een Metgezel "
            "(vroeger heette dat Copiloot) heeft ons daarbij geholpen.",
            "Ze ging mee naar het gesprek met het CIZ, hielp ons de zorg op papier te zetten en "
            "wist bij welke loketten we moesten zijn. Ze is zelf ook ouder, dus ze snapt hoe "
            "het is.",
            "Ik had dit veel eerder willen weten. Vraag in je regio of er een Metgezel is. Het "
            "kost je niets, en het scheelt zoveel zoekwerk.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.LOGEREN, T.PERSONEEL),
        "ouder",
        (
            "Epilepsieprotocol samen met het logeerhuis gemaakt",
            "Samen met de begeleiding een aanvalsplan opgesteld",
        ),
        _md(
            "Onze dochter heeft vaak aanvallen, ook 's nachts. Het logeerhuis in {gemeente} "
            "durfde het eerst niet aan. Samen met de neuroloog, de begeleiders en ons is er "
            "een protocol gekomen.",
            "Daarin staat:",
            "- hoe haar aanvallen eruitzien\n"
            "- wanneer ze noodmedicatie krijgt, en hoe\n"
            "- wie er gebeld wordt, en in welke volgorde",
            "Alle vaste begeleiders kregen een korte training. Nu logeert ze er al {n} maanden "
            "zonder problemen. Het protocol gaat ook mee naar de dagbesteding.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.BEKOSTIGING, T.LOGEREN),
        "ouder",
        (
            "Meerzorg geregeld: nu kan logeren met één-op-één begeleiding",
            "Zo kregen we meerzorg voor het logeren",
        ),
        _md(
            "Onze zoon heeft bij het logeren iemand nodig die alleen bij hem is. Het gewone "
            "tarief is daar niet genoeg voor. Het logeerhuis heeft daarom meerzorg aangevraagd "
            "bij {zorgkantoor}.",
            "Wat nodig was:",
            "- een overzicht van de zorg per dagdeel, ook 's nachts\n"
            "- een verklaring van de arts VG\n"
            "- een gesprek met de zorgbemiddelaar van het zorgkantoor",
            "Het duurde ongeveer {n} weken. Nu logeert hij elke maand een weekend, met vaste "
            "één-op-één begeleiding. Vraag je logeerhuis ernaar als het gewone tarief niet "
            "genoeg is.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.DAGBESTEDING,),
        "prof",
        (
            "Muziek en snoezelen op de dagbesteding: kleine dingen, groot verschil",
            "Wat onze deelnemers blij maakt: een vaste muziekochtend",
        ),
        _md(
            "Op onze groep in {gemeente} hebben we elke dinsdag een muziekochtend. Een "
            "muziektherapeut komt langs. We zingen, voelen de trillingen van de trommel en "
            "luisteren samen.",
            "Deelnemers die anders weinig reageren, lachen, bewegen of maken geluid. Ouders "
            "zien het terug in het schriftje: 'Vandaag weer muziek gehad!'",
            "Het kost weinig: een therapeut één ochtend per week en wat instrumenten. "
            "Misschien een idee voor andere groepen?",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.VERVOER, T.HULPMIDDELEN),
        "ouder",
        (
            "Via de Wmo een aangepaste bus: zo ging het in {gemeente}",
            "Eindelijk zelf rijden met een rolstoelbus",
        ),
        _md(
            "We kregen vorig jaar een bijdrage voor een rolstoelbus van de gemeente "
            "{gemeente}, via de Wmo. Nu kunnen we als gezin weer samen op pad, met de "
            "rolstoel veilig vast.",
            "Zo ging het:",
            "1. Een keukentafelgesprek met de Wmo-consulent.\n"
            "2. Een ergotherapeut kwam kijken welke aanpassingen nodig waren.\n"
            "3. We kozen zelf een tweedehands bus; de gemeente betaalde de ombouw.",
            "Het duurde ongeveer {maanden} maanden. Mijn tip: laat de ergotherapeut het "
            "verslag schrijven, dan weet de gemeente precies wat er nodig is.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.PERSONEEL, T.BEKOSTIGING),
        "ouder",
        (
            "Eén vaste nacht per week slapen: nachtzorg aan huis via het PGB",
            "Nachtzorg thuis: zo hebben wij het geregeld",
        ),
        _md(
            "Onze dochter slaapt slecht en heeft 's nachts zorg nodig. Jarenlang stonden we "
            "zelf elke nacht op. Nu komt er één nacht per week een vaste nachtzorger, betaald "
            "uit het PGB.",
            "We hebben lang gezocht naar iemand die bij ons past. Via een andere ouder vonden "
            "we een verpleegkundige die dit naast haar vaste baan doet.",
            "Die ene nacht per week lijkt weinig. Maar voor ons is het het verschil tussen "
            "volhouden en opgeven.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.OVERIG, T.LOGEREN),
        "any",
        (
            "Regiotafel in {regio}: ouders, aanbieders en zorgkantoor aan één tafel",
            "Wat onze eerste regiotafel in {regio} opleverde",
        ),
        _md(
            "Vorige maand zaten we in {regio} voor het eerst met ouders, aanbieders en het "
            "zorgkantoor aan tafel. Het onderwerp: te weinig logeerplekken voor kinderen die "
            "veel zorg nodig hebben.",
            "Wat het opleverde:",
            "- Twee aanbieders gaan samen een extra logeerweekend per maand aanbieden.\n"
            "- Het zorgkantoor kijkt naar een hoger tarief voor nachtzorg.\n"
            "- Ouders maken samen een lijst van wat ze nodig hebben.",
            "Het werkte omdat iedereen gelijkwaardig meepraatte. Ouders zijn de experts van "
            "hun kind. Volgende keer praten we over vervoer.",
        ),
    ),
    _t(
        K.GOED_VOORBEELD,
        (T.LOGEREN, T.REGELGEVING),
        "prof",
        (
            "Warme overdracht van kinder- naar volwassenenlogeren",
            "Overstappen bij 18 jaar zonder gat: zo doen wij het",
        ),
        _md(
            "Bij ons logeerhuis in {gemeente} stoppen kinderen op hun 18e. Vroeger betekende "
            "dat: geen logeerplek meer. Nu beginnen we een jaar eerder met de overgang.",
            "Hoe:",
            "- Vanaf 17 jaar logeert de jongere af en toe bij de volwassenengroep, samen met "
            "een bekende begeleider.\n"
            "- We maken samen met de ouders een overdrachtsdocument.\n"
            "- De indicatie wordt op tijd aangepast, zodat er geen gat ontstaat.",
            "Het vraagt wat extra inzet van het team. Maar ouders en jongeren zijn er veel "
            "rustiger door.",
        ),
    ),
    # Ervaringen
    _t(
        K.ERVARING,
        (T.LOGEREN,),
        "ouder",
        ("De eerste keer logeren: zo ging het bij ons", "Ons eerste logeerweekend"),
        _md(
            "Afgelopen weekend heeft onze zoon van {leeftijd} voor het eerst gelogeerd. Ik had "
            "er weken over getwijfeld. Begrijpt iemand anders hem wel? Gaat het goed met de "
            "sonde?",
            "Ik heb de eerste nacht bijna niet geslapen en drie keer gebeld. Maar toen we hem "
            "zondag ophaalden, zat hij ontspannen in zijn stoel. De begeleider had alles "
            "opgeschreven: wat hij at, hoe hij sliep, waar hij om moest lachen.",
            "Wij hebben voor het eerst in jaren een hele nacht doorgeslapen. Ik gun het iedereen.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.DAGBESTEDING,),
        "ouder",
        (
            "Na {wachttijd} maanden wachten eindelijk een plek op de dagbesteding",
            "Lang gewacht, maar nu heeft onze dochter een dagbestedingsplek",
        ),
        _md(
            "Na {wachttijd} maanden op de wachtlijst heeft onze dochter een plek op een "
            "dagbesteding in {gemeente}. Vier dagen per week, in een klein groepje.",
            "In de tussentijd zat ze thuis. Ik kon niet werken en we deden alles met z'n "
            "tweeën. Dat was zwaar, voor ons en voor haar.",
            "Nu zie ik hoe ze opleeft van de andere mensen en alles wat er gebeurt. Aan "
            "iedereen die nog wacht: blijf bellen, blijf vragen. En meld het bij het "
            "zorgkantoor, want die moet weten hoe lang de wachtlijsten zijn.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.WONEN,),
        "ouder",
        (
            "Onze zoon gaat verhuizen naar een woongroep: een dubbel gevoel",
            "Loslaten: over de verhuizing van onze zoon",
        ),
        _md(
            "Volgende maand gaat onze zoon van {leeftijd_volw} in een woongroep in {gemeente} "
            "wonen. Iedereen zegt dat het goed is, en ik weet het zelf ook. Toch voelt het als "
            "opgeven.",
            "We hebben hem {leeftijd_volw} jaar elke dag verzorgd. Wie weet straks dat hij zijn "
            "hoofd schuin houdt als hij het koud heeft?",
            "Ik schrijf dit hier omdat ik denk dat meer ouders dit voelen. Hoe zijn jullie met "
            "het loslaten omgegaan?",
        ),
    ),
    _t(
        K.ERVARING,
        (T.VERVOER,),
        "ouder",
        ("Elke dag {minuten} minuten in de taxi", "Ons leven met het taxivervoer"),
        _md(
            "Onze dochter zit elke ochtend {minuten} minuten in de taxibus naar haar "
            "dagbesteding. De bus rijdt een grote ronde langs vijf adressen. Ze komt moe aan, "
            "en soms met pijn.",
            "Wat er misgaat:",
            "- Steeds andere chauffeurs, die niet weten hoe ze haar rolstoel goed vastzetten.\n"
            "- Als de bus te laat is, mist ze de ochtendzorg op de groep.\n"
            "- Bellen met de centrale levert niets op.",
            "We hebben om een kortere route gevraagd. Het antwoord: 'Dat past niet in de "
            "planning.' Ik deel het hier omdat ik weet dat het veel ouders zo gaat.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.REGELGEVING,),
        "ouder",
        (
            "Wlz-indicatie aangevraagd: mijn ervaring met het CIZ",
            "Hoe de Wlz-aanvraag bij ons verliep",
        ),
        _md(
            "We hebben voor onze zoon een Wlz-indicatie aangevraagd. Ik zag er tegenop, want "
            "je hoort zoveel verhalen.",
            "Het viel mee. De medewerker van het CIZ kwam bij ons thuis en nam de tijd. Wat "
            "hielp: ik had een week lang bijgehouden wat we overdag en 's nachts doen. Dat gaf "
            "een duidelijk beeld.",
            "Na {n} weken hadden we de indicatie. Mijn tip: vraag een cliëntondersteuner om "
            "mee te kijken. Dat is gratis.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.BEKOSTIGING,),
        "ouder",
        (
            "Van zorg in natura naar PGB: dit merkten we",
            "PGB of zorg in natura? Onze ervaring met allebei",
        ),
        _md(
            "Eerst kregen we zorg in natura: de zorgaanbieder regelde alles. Fijn, maar we "
            "hadden geen invloed op wie er kwam. Sinds een jaar hebben we een PGB.",
            "Voordelen:",
            "- We kiezen zelf de begeleiders, en ze blijven.\n"
            "- We zetten de zorg in op de momenten dat het nodig is.",
            "Nadelen:",
            "- Veel papierwerk: contracten, declaraties, verantwoording.\n"
            "- Als iemand ziek is, zoeken we zelf vervanging.",
            "Voor ons werkt het PGB beter. Maar ik snap ouders die dat niet willen. Het is echt "
            "een extra baan.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.PERSONEEL, T.LOGEREN),
        "professional",
        (
            "Als begeleider op de logeergroep: wat ik van ouders leerde",
            "Wat ik als begeleider leer van ouders",
        ),
        _md(
            "Ik werk nu {n} jaar op een logeergroep in {gemeente}. In het begin dacht ik dat ik "
            "de zorg wel kende. Maar ouders wisten altijd meer.",
            "Wat ik leerde:",
            "- Vraag hoe het thuis gaat, tot in de kleine dingen: hoe ligt het kussen, welk "
            "liedje helpt.\n"
            "- Bel aan het eind van de eerste dag even, ook als alles goed gaat.\n"
            "- Schrijf op wat er goed ging, niet alleen wat er misging.",
            "Ouders geven hun kind in onze handen. Dat vertrouwen moet je verdienen, elke keer "
            "weer.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.HULPMIDDELEN,),
        "ouder",
        (
            "Tillift thuis: van aanvraag tot levering duurde {maanden} maanden",
            "Onze tillift is er eindelijk",
        ),
        _md(
            "Onze dochter werd te zwaar om te tillen. We vroegen een tillift aan bij de "
            "gemeente. Het duurde {maanden} maanden voordat hij er was.",
            "Eerst moest er een ergotherapeut komen. Daarna een offerte, een keuring, nog een "
            "offerte. Intussen tilden we alles zelf. Mijn rug is er nog niet van hersteld.",
            "Nu de lift er is, gaat het zoveel beter. Maar het had veel sneller gekund. Vraag "
            "op tijd, ook als het nu nog lukt.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.LOGEREN, T.OVERIG),
        "ouder",
        ("Logeren is ook voor de brusjes", "Wat logeren voor onze andere kinderen betekent"),
        _md(
            "Als onze zoon logeert, hebben onze andere twee kinderen ons eindelijk even "
            "helemaal. Dan gaan we naar het strand of naar de film. Dingen die anders niet "
            "kunnen.",
            "Ik voelde me eerst schuldig. Nu zie ik dat het hele gezin er beter van wordt. Hij "
            "ook: hij komt vrolijk terug en wij hebben weer energie.",
            "Hoe doen jullie dat, tijd maken voor de brusjes?",
        ),
    ),
    _t(
        K.ERVARING,
        (T.DAGBESTEDING, T.OVERIG),
        "ouder",
        (
            "Na een ziekenhuisopname terug naar de dagbesteding",
            "Terug naar de groep na het ziekenhuis",
        ),
        _md(
            "Onze dochter lag {n} weken in het ziekenhuis met een longontsteking. Daarna moest "
            "ze weer wennen aan de dagbesteding. Dat ging beter dan we dachten.",
            "De groep kwam op bezoek in het ziekenhuis, met een kaart en haar lievelingsmuziek. "
            "Daarna begon ze met halve dagen. Na twee weken was ze weer helemaal terug.",
            "Zo'n soepele terugkeer is niet vanzelfsprekend. Grote dank aan het team.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.DAGBESTEDING, T.REGELGEVING),
        "ouder",
        (
            "Van kinderdagcentrum naar dagbesteding voor volwassenen",
            "De overstap naar de volwassenendagbesteding",
        ),
        _md(
            "Onze zoon werd 18 en moest weg van het kinderdagcentrum waar hij al jaren zat. "
            "Een nieuwe plek vinden bleek lastig. Veel groepen zijn niet gewend aan zoveel "
            "zorg.",
            "We zijn een jaar van tevoren gaan zoeken en hebben {n} plekken bekeken. "
            "Uiteindelijk vonden we een kleine groep in {gemeente}, met een verpleegkundige op "
            "de groep.",
            "Begin op tijd. Een jaar voor de 18e verjaardag is niet te vroeg.",
        ),
    ),
    _t(
        K.ERVARING,
        (T.PERSONEEL, T.OVERIG),
        "ouder",
        ("Gebroken nachten: wat ons helpt om vol te houden", "Al jaren geen nacht doorslapen"),
        _md(
            "Onze dochter wordt elke nacht {keer} keer of vaker wakker. Ze moet gedraaid "
            "worden en heeft soms aanvallen. Mijn partner en ik doen om de beurt een nacht.",
            "Wat ons helpt:",
            "- Een babyfoon met beeld, zodat we niet steeds hoeven op te staan.\n"
            "- Een vaste logeernacht per maand.\n"
            "- Hulp van opa en oma bij het huishouden.",
            "Het blijft zwaar. Ik hoop dat er meer mogelijkheden komen voor nachtzorg thuis.",
        ),
    ),
    # Knelpunten
    _t(
        K.KNELPUNT,
        (T.LOGEREN, T.REGELGEVING),
        "ouder",
        ("Logeeropvang stopt bij 18 jaar: en dan?", "Geen logeerplek meer na de 18e verjaardag"),
        _md(
            "Onze zoon wordt over {maanden} maanden 18. Het logeerhuis waar hij al jaren komt, "
            "is alleen voor kinderen. Een plek voor volwassenen met zoveel zorg is er in "
            "{regio} niet.",
            "Wat dit betekent: geen logeerweekend meer. Geen rust meer voor ons. Terwijl de "
            "zorg niet minder wordt op zijn 18e.",
            "Ik hoor van meer ouders dat dit speelt. Hoe is dat in andere regio's? En wie kan "
            "hier iets aan doen?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.LOGEREN,),
        "ouder",
        (
            "Wachtlijst logeerhuis in {regio}: {wachttijd} maanden",
            "Al {wachttijd} maanden op de wachtlijst voor logeren",
        ),
        _md(
            "We staan al {wachttijd} maanden op de wachtlijst voor een logeerhuis in {regio}. "
            "Het logeerhuis zegt dat er geen plek is, omdat er te weinig personeel is.",
            "We zijn op. Al jaren geen nacht doorgeslapen, geen weekend weg. Onze andere "
            "kinderen komen tekort.",
            "Ik weet dat ik niet de enige ben. Kunnen we dit samen onder de aandacht brengen "
            "bij het zorgkantoor?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.DAGBESTEDING, T.PERSONEEL),
        "ouder",
        (
            "Dagbesteding dicht op vrijdag door personeelstekort",
            "Alweer een dag minder dagbesteding",
        ),
        _md(
            "De dagbesteding van onze dochter in {gemeente} is sinds {maanden} maanden elke "
            "vrijdag dicht. Er is niet genoeg personeel.",
            "Voor ons betekent dat: ik kan op vrijdag niet werken. Mijn werkgever is "
            "begripvol, maar dat houdt een keer op.",
            "De aanbieder zegt dat ze hard zoeken naar mensen. Dat geloof ik. Maar wie lost dit "
            "op? En krijgen we de zorg uit de indicatie dan ergens anders?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.VERVOER,),
        "ouder",
        (
            "Te lange taxiritten naar de dagbesteding in {regio}",
            "{minuten} minuten in een taxibus is te lang",
        ),
        _md(
            "Sinds er een nieuwe vervoerder is, zit onze zoon {minuten} minuten in de bus naar "
            "de dagbesteding. Twee keer per dag.",
            "Hij kan niet zeggen dat hij pijn heeft of moet plassen. Hij krijgt sondevoeding en "
            "medicijnen op vaste tijden. Een rit van zo lang is voor hem niet veilig.",
            "We hebben geklaagd bij de aanbieder en bij de vervoerder. Het antwoord: 'Het valt "
            "binnen de afspraken.' Wie heeft dit opgelost gekregen?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.LOGEREN, T.PERSONEEL),
        "ouder",
        (
            "Logeerhuis neemt geen kinderen met sondevoeding",
            "Geen logeerplek omdat onze zoon sondevoeding krijgt",
        ),
        _md(
            "We vonden eindelijk een logeerhuis in {gemeente} met plek. Bij de intake bleek dat "
            "ze geen kinderen met sondevoeding aannemen. Ze hebben 's nachts geen personeel dat "
            "het mag doen.",
            "Sondevoeding is voor ons heel gewoon. We doen het zelf, elke dag. Maar een "
            "begeleider mag het alleen als die ervoor geschoold is en er afspraken over zijn.",
            "Dit sluit veel kinderen met ZEVMB uit. Kan er niet meer geschoold worden? Of "
            "kunnen ouders de begeleiders helpen het te leren?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.BEKOSTIGING, T.LOGEREN),
        "aanbieder",
        (
            "Het tarief voor logeren dekt de zorg niet",
            "Logeren voor ZEVMB kost meer dan we vergoed krijgen",
        ),
        _md(
            "Wij zijn een kleine zorgaanbieder in {regio}. We willen graag meer logeerplekken "
            "voor kinderen en jongeren met ZEVMB. Maar met het huidige tarief lukt dat niet.",
            "Deze groep heeft vaak één-op-één begeleiding nodig, ook 's nachts. Het tarief gaat "
            "uit van een groep waarin een begeleider meer mensen tegelijk helpt.",
            "De NZa onderzoekt nu of de tarieven passend zijn. Tot die tijd vragen we per kind "
            "meerzorg aan, maar dat kost veel tijd. Hoe doen andere aanbieders dit?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.HULPMIDDELEN, T.REGELGEVING),
        "ouder",
        (
            "Tillift mag niet mee naar het logeerhuis",
            "Wmo of Wlz: wie betaalt de hulpmiddelen bij het logeren?",
        ),
        _md(
            "Onze tillift komt via de Wmo van de gemeente. Het logeerhuis valt onder de Wlz. De "
            "gemeente zegt: de lift is voor thuis. Het logeerhuis zegt: we hebben geen "
            "passende lift.",
            "Het gevolg: elke keer gedoe, en één keer mocht onze dochter niet logeren. Zo'n "
            "hulpmiddel is voor haar geen luxe. Zonder lift kan ze niet veilig uit bed.",
            "Dit lijkt me iets voor het landelijke overleg. Herkennen meer mensen dit?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.PERSONEEL,),
        "ouder",
        ("Steeds nieuwe invalkrachten op de groep", "Te veel wisselende gezichten in de zorg"),
        _md(
            "Op de woongroep van onze zoon in {gemeente} staan steeds vaker invalkrachten. "
            "Soms ken ik drie van de vijf begeleiders niet.",
            "Voor iemand die niet praat, is dat heel moeilijk. Een vaste begeleider ziet aan "
            "zijn gezicht dat hij pijn heeft. Een invaller ziet dat niet.",
            "Ik snap dat er een tekort is. Maar hoe zorgen we dat er altijd minstens één "
            "bekend gezicht is?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.VERVOER,),
        "ouder",
        ("Geen rolstoelvervoer in de zomervakantie", "Zomervakantie: geen vervoer naar de opvang"),
        _md(
            "In de zomervakantie rijdt de vaste taxi niet. Het vervangende vervoer heeft geen "
            "plek voor een elektrische rolstoel. We moeten zelf rijden, maar we hebben geen "
            "aangepaste auto.",
            "Daardoor kan onze dochter {n} weken niet naar de zomeropvang. Juist in de vakantie "
            "hebben we die rust zo nodig.",
            "Is dit in andere regio's beter geregeld?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.WONEN,),
        "ouder",
        ("Geen plek voor deeltijdwonen in {regio}", "Deeltijdwonen bestaat bij ons niet"),
        _md(
            "We zoeken een plek waar onze zoon een paar dagen per week kan wonen. Niet helemaal "
            "uit huis, maar ook niet alleen een logeerweekend.",
            "In {regio} is dat er niet. Aanbieders zeggen: het is alles of niets. Een vaste "
            "plek betekent dat hij er zeven dagen per week woont.",
            "Dat past niet bij ons gezin, en ook niet bij hem. Wie kent een aanbieder die "
            "deeltijdwonen wél mogelijk maakt?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.HULPMIDDELEN,),
        "ouder",
        (
            "Aangepaste rolstoel: al {maanden} maanden wachten",
            "Rolstoel te klein, en de nieuwe laat op zich wachten",
        ),
        _md(
            "Onze dochter groeit. Haar rolstoel is te klein geworden en ze zit scheef. Dat "
            "geeft pijn en drukplekken. We wachten nu al {maanden} maanden op een nieuwe.",
            "Er moesten meerdere keren passen komen en elke keer was er iets anders. Intussen "
            "wordt haar rug niet beter.",
            "Hulpmiddelen zijn voor onze kinderen geen extraatje. Ze zijn nodig om te kunnen "
            "zitten, liggen en ademen.",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.BEKOSTIGING, T.REGELGEVING),
        "prof",
        ("Meerzorg elk jaar opnieuw aanvragen", "Elk jaar weer hetzelfde papierwerk voor meerzorg"),
        _md(
            "Voor een aantal bewoners vragen we meerzorg aan. Hun zorg verandert niet: ze zijn "
            "en blijven volledig afhankelijk. Toch moeten we elk jaar opnieuw alles aanleveren.",
            "Dat kost ons per bewoner dagen werk, en ouders moeten weer formulieren invullen. "
            "Die tijd gaat af van de zorg.",
            "Kan de meerzorg voor deze groep niet voor langere tijd worden toegekend? Ik hoor "
            "graag hoe andere zorgkantoren dit doen.",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.LOGEREN, T.PERSONEEL),
        "ouder",
        ("Logeren alleen overdag, want er is geen nachtdienst", "Zonder nachtzorg geen logeren"),
        _md(
            "Het logeerhuis in {gemeente} heeft 's nachts alleen een slaapdienst. Onze zoon "
            "heeft 's nachts zorg nodig, dus hij mag er niet slapen.",
            "Logeren zonder nacht is geen logeren. Juist de nachten zijn voor ons het zwaarst.",
            "Is er ergens in {regio} een logeerhuis met een wakkere nachtdienst?",
        ),
    ),
    _t(
        K.KNELPUNT,
        (T.VERVOER, T.REGELGEVING),
        "ouder",
        (
            "Vervoer naar dagbesteding over de gemeentegrens wordt niet vergoed",
            "Dagbesteding in de buurgemeente: geen vervoer",
        ),
        _md(
            "De enige dagbesteding die bij onze dochter past, ligt net over de gemeentegrens. "
            "Het vervoer daarheen wordt niet vergoed, zegt de aanbieder. Die heeft alleen "
            "afspraken met vervoerders in de eigen gemeente.",
            "Nu rijden we zelf, elke dag {km} kilometer heen en terug. Dat kost ons veel tijd "
            "en geld.",
            "Hoe hebben anderen dit opgelost?",
        ),
    ),
    # Vragen
    _t(
        K.VRAAG,
        (T.LOGEREN,),
        "ouder",
        (
            "Wie kent een logeerhuis in {regio} dat epilepsie aankan?",
            "Logeren bij zware epilepsie: tips in {regio}?",
        ),
        _md(
            "Onze dochter van {leeftijd} heeft zware epilepsie, vaak ook 's nachts. Ze krijgt "
            "dan noodmedicatie. We zoeken een logeerhuis in {regio} dat dit aankan.",
            "Het liefst een kleine groep, met een wakkere nachtdienst. Wie heeft ervaring en "
            "wil die delen?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.BEKOSTIGING, T.REGELGEVING),
        "ouder",
        ("Hoe vraag je meerzorg aan?", "Meerzorg: wie weet hoe het werkt?"),
        _md(
            "Ik lees hier vaak over meerzorg. Onze zoon heeft veel meer zorg nodig dan er nu "
            "is. Hoe werkt dat?",
            "- Wie vraagt het aan: wij of de zorgaanbieder?\n"
            "- Wat moet je aanleveren?\n"
            "- Hoe lang duurt het?",
            "Alvast bedankt!",
        ),
    ),
    _t(
        K.VRAAG,
        (T.WONEN,),
        "ouder",
        ("Wie heeft ervaring met deeltijdwonen?", "Deeltijdwonen in {regio}: hoe begin je?"),
        _md(
            "Wij denken erover dat onze dochter een paar dagen per week ergens anders gaat "
            "wonen. Ze is nu {leeftijd_volw}. Helemaal uit huis voelt nog te groot.",
            "Wie heeft ervaring met deeltijdwonen? Hoe hebben jullie een plek gevonden, en hoe "
            "ging het met de indicatie?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.DAGBESTEDING,),
        "ouder",
        (
            "Dagbesteding in {gemeente} voor iemand met veel zorg?",
            "Gezocht: dagbesteding in de buurt van {gemeente}",
        ),
        _md(
            "We wonen in {gemeente} en zoeken een dagbesteding voor onze zoon van "
            "{leeftijd_volw}. Hij praat niet, zit in een rolstoel en krijgt sondevoeding.",
            "De plekken die we bekeken, vonden zijn zorg te zwaar. Wie kent een groep in de "
            "buurt waar het wél kan?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.HULPMIDDELEN, T.BEKOSTIGING),
        "ouder",
        (
            "Wie betaalt een tweede tillift voor het logeren?",
            "Tweede set hulpmiddelen voor het logeerhuis: hoe geregeld?",
        ),
        _md(
            "Onze dochter logeert twee weekenden per maand. Haar tillift en douchestoel moeten "
            "elke keer mee. Dat is zwaar, en er gaat weleens iets kapot.",
            "Heeft iemand een tweede set hulpmiddelen voor het logeerhuis gekregen? Via de Wmo, "
            "de Wlz of de zorgverzekering?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.OVERIG, T.REGELGEVING),
        "ouder",
        ("Hoe kom je aan een Metgezel?", "Metgezel (vroeger Copiloot): hoe werkt dat?"),
        _md(
            "Ik hoorde van een andere moeder over een Metgezel, vroeger Copiloot. Iemand die je "
            "helpt de weg te vinden in de zorg.",
            "Hoe kom je aan een Metgezel in {regio}? Kost het iets? En wat doen ze precies?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.BEKOSTIGING, T.PERSONEEL),
        "ouder",
        (
            "Wat is een redelijk PGB-uurtarief voor een vaste begeleider?",
            "Vraag over tarieven in het PGB",
        ),
        _md(
            "We willen met ons PGB een vaste begeleider inhuren voor twee middagen per week. "
            "Iemand met ervaring in verpleegkundige zorg.",
            "Wat is een redelijk uurtarief? En wat moeten we regelen: een contract, een "
            "verzekering? Ik wil het graag goed doen.",
        ),
    ),
    _t(
        K.VRAAG,
        (T.REGELGEVING, T.OVERIG),
        "ouder",
        ("Wat moet je allemaal regelen als je kind 18 wordt?", "Checklist voor de 18e verjaardag?"),
        _md(
            "Onze zoon wordt dit jaar 18. Ik hoor dat er dan veel verandert: mentorschap, "
            "bewindvoering, de zorgverzekering, de jeugdzorg die stopt.",
            "Heeft iemand een lijstje van wat je op tijd moet regelen? En wanneer moet je "
            "daarmee beginnen?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.VERVOER,),
        "ouder",
        ("Hoe krijg je een vaste taxichauffeur?", "Vaste chauffeur voor het taxivervoer: kan dat?"),
        _md(
            "Onze dochter raakt erg van slag van steeds een andere chauffeur. Ze wordt onrustig "
            "en komt huilend aan op de dagbesteding.",
            "Heeft iemand het voor elkaar gekregen om een vaste chauffeur te krijgen? Bij wie "
            "moet je dat vragen: de gemeente, de aanbieder of de vervoerder?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.VERVOER, T.HULPMIDDELEN),
        "ouder",
        ("Welke rolstoelbus hebben jullie?", "Tips voor een rolstoelauto?"),
        _md(
            "We willen een rolstoelbus kopen. Onze zoon zit in een grote elektrische rolstoel "
            "met een hoofdsteun.",
            "Welke bus hebben jullie, en bevalt die? Waar moet je op letten bij de ombouw? En "
            "heeft iemand een bijdrage van de gemeente gekregen?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.PERSONEEL, T.OVERIG),
        "ouder",
        (
            "Hoe vinden jullie een oppas die zorg kan geven?",
            "Oppas met zorgervaring gezocht: tips?",
        ),
        _md(
            "We willen graag weer eens samen een avond weg. Maar een gewone oppas kan de zorg "
            "voor onze dochter niet aan.",
            "Hoe vinden jullie een oppas met zorgervaring? Via een bureau, via studenten "
            "verpleegkunde, of via andere ouders?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.LOGEREN, T.DAGBESTEDING),
        "ouder",
        (
            "Ervaring met logeren of dagbesteding op een zorgboerderij?",
            "Zorgboerderij voor iemand met ZEVMB: kan dat?",
        ),
        _md(
            "Onze zoon houdt van buiten zijn, van dieren en van de wind. Een zorgboerderij lijkt "
            "ons mooi. Maar kunnen ze daar de zorg aan?",
            "Wie heeft ervaring met een zorgboerderij voor iemand die veel zorg nodig heeft? "
            "Waar moet je op letten?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.REGELGEVING, T.BEKOSTIGING),
        "ouder",
        (
            "Hoe bereid je een gesprek met het zorgkantoor voor?",
            "Volgende week een gesprek met {zorgkantoor}: tips?",
        ),
        _md(
            "Volgende week hebben we een gesprek met het zorgkantoor over de zorg voor onze "
            "dochter. Het gaat over meer uren en misschien een andere plek.",
            "Hoe bereiden jullie zo'n gesprek voor? Wat neem je mee? Ik wil niet weer met lege "
            "handen naar huis.",
        ),
    ),
    _t(
        K.VRAAG,
        (T.HULPMIDDELEN, T.REGELGEVING),
        "ouder",
        ("Aangepast bed: via de Wmo of de Wlz?", "Wie betaalt een hoog-laagbed met zijkanten?"),
        _md(
            "Onze zoon heeft een nieuw bed nodig: een hoog-laagbed met hoge zijkanten, zodat hij "
            "niet kan vallen bij een aanval.",
            "De gemeente verwijst naar de zorgverzekeraar, de zorgverzekeraar naar de gemeente. "
            "Wie weet hoe dit zit?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.OVERIG, T.LOGEREN),
        "professional",
        (
            "Tips voor een goed overdrachtsdocument bij het logeren?",
            "Wat moet er volgens ouders in een overdracht staan?",
        ),
        _md(
            "Ik werk op een logeergroep in {gemeente}. We willen ons overdrachtsformulier "
            "verbeteren, samen met ouders.",
            "Wat vinden jullie als ouders belangrijk om over te dragen? En wat willen jullie "
            "terughoren na een logeerweekend?",
        ),
    ),
    _t(
        K.VRAAG,
        (T.PERSONEEL, T.DAGBESTEDING),
        "aanbieder",
        (
            "Hoe houden jullie vaste gezichten op de groep?",
            "Vraag aan andere aanbieders: vaste teams ondanks het tekort?",
        ),
        _md(
            "Wij hebben in {regio} een dagbestedingsgroep voor mensen met ZEVMB. Door het "
            "personeelstekort lukt het steeds minder om met vaste teams te werken.",
            "Hoe doen andere aanbieders dit? Werken jullie met een flexpool van eigen mensen, "
            "met stagiairs, met ouders?",
        ),
    ),
]

_Line = tuple[str, str]
"""(voice, text): who can say it, and what."""

ANSWERS: dict[Theme, list[_Line]] = {
    T.LOGEREN: [
        (
            "ouder",
            "Wij hebben goede ervaringen met een logeerhuis dat eerst een intake aan huis doet. "
            "Ze kwamen kijken hoe de zorg thuis gaat en begonnen met een paar uurtjes overdag. "
            "Pas daarna kwam de eerste nacht.",
        ),
        (
            "any",
            "Vraag bij het zorgkantoor naar de zorgbemiddelaar. Die weet welke logeerhuizen in "
            "de regio plek hebben en wat ze aankunnen.",
        ),
        (
            "any",
            "Kijk ook op de landelijke lijst met logeerplekken hier op het platform. Er staan "
            "ervaringen van andere ouders bij.",
        ),
        (
            "ouder",
            "Bij ons logeerhuis werken ze met een vast nachtteam. Vraag bij de kennismaking "
            "echt door: wie is er 's nachts, en is die wakker?",
        ),
    ],
    T.DAGBESTEDING: [
        (
            "ouder",
            "Onze zoon gaat naar een kleine groep met een verpleegkundige erbij. Vraag bij "
            "aanbieders of ze een 'intensieve groep' hebben, zo heet het vaak.",
        ),
        (
            "any",
            "Ga kijken op een gewone dag, niet alleen op een open dag. Dan zie je hoe het echt "
            "gaat.",
        ),
        (
            "any",
            "De zorgbemiddelaar van het zorgkantoor heeft een overzicht van groepen met plek. "
            "Die kan je helpen zoeken.",
        ),
    ],
    T.WONEN: [
        (
            "ouder",
            "Wij zijn begonnen met één nacht per week in de woongroep en hebben dat langzaam "
            "opgebouwd. Vraag of dat kan: veel aanbieders zijn flexibeler dan ze eerst zeggen.",
        ),
        (
            "any",
            "Praat met het zorgkantoor over de indicatie. Deeltijdwonen kan, maar het moet "
            "goed op papier staan.",
        ),
        (
            "any",
            "Kijk ook naar ouderinitiatieven in de buurt. Soms is daar plek voor iemand die een "
            "deel van de week komt.",
        ),
    ],
    T.VERVOER: [
        (
            "ouder",
            "Bij ons hielp een brief van de arts VG over waarom een korte rit en een vaste "
            "chauffeur nodig zijn. Daarna ging de vervoerder wel bewegen.",
        ),
        (
            "any",
            "Komt de dagbesteding uit de Wlz? Dan regelt de zorgaanbieder het vervoer. Vraag "
            "het dus daar, niet bij de gemeente.",
        ),
        (
            "ouder",
            "Wij kregen een bijdrage voor een aangepaste auto via de Wmo. Vraag een "
            "keukentafelgesprek aan en laat een ergotherapeut meekijken.",
        ),
    ],
    T.HULPMIDDELEN: [
        (
            "any",
            "Hulpmiddelen voor thuis komen vaak via de Wmo of de zorgverzekering, in een "
            "instelling via de Wlz. Vraag het zorgkantoor om het op papier te zetten, dan weet "
            "je waar je staat.",
        ),
        (
            "any",
            "Een ergotherapeut kan een advies schrijven. Met zo'n advies ging het bij ons veel "
            "sneller.",
        ),
        (
            "ouder",
            "Ons logeerhuis heeft zelf hulpmiddelen. Vraag of ze een uitleenpunt hebben of er "
            "een kunnen regelen.",
        ),
    ],
    T.PERSONEEL: [
        (
            "ouder",
            "Wij vonden een vaste begeleider via een student verpleegkunde. Ze is na haar "
            "opleiding gebleven. Vraag bij de hogeschool of het mbo in de buurt.",
        ),
        (
            "any",
            "Vraag het andere ouders in de regio. Via via vind je vaak de beste mensen, die al "
            "weten wat deze zorg vraagt.",
        ),
        (
            "any",
            "Er zijn bureaus voor zorgoppas met verpleegkundige ervaring. Ze zijn duurder, maar "
            "je kunt ze uit het PGB betalen als het in je budgetplan staat.",
        ),
    ],
    T.BEKOSTIGING: [
        (
            "any",
            "Meerzorg vraagt de zorgaanbieder aan bij het zorgkantoor, niet jij zelf. Je kunt "
            "de aanbieder wel vragen om het te doen.",
        ),
        (
            "any",
            "Voor het PGB helpt de Sociale Verzekeringsbank met de contracten. Op hun site staan "
            "voorbeeldcontracten.",
        ),
        (
            "ouder",
            "Wij hebben een cliëntondersteuner gevraagd om mee te rekenen. Dat is gratis en het "
            "scheelde ons veel zoekwerk.",
        ),
    ],
    T.REGELGEVING: [
        (
            "any",
            "Vraag een cliëntondersteuner. Die is gratis en helpt met de Wlz-aanvraag, met "
            "bezwaar maken en bij gesprekken.",
        ),
        (
            "ouder",
            "Schrijf op wat een gewone dag en nacht aan zorg vraagt, uur voor uur. Dat hielp "
            "ons bij elk gesprek.",
        ),
        (
            "any",
            "Neem iemand mee naar het gesprek die aantekeningen maakt. Je hoort zelf maar de "
            "helft als het over je kind gaat.",
        ),
        (
            "any",
            "Begin een jaar voor de 18e verjaardag. Mentorschap en bewind regel je via de "
            "kantonrechter, en dat duurt een paar maanden.",
        ),
    ],
    T.OVERIG: [
        (
            "any",
            "Vraag in je regio naar een Metgezel (vroeger Copiloot). Zij kennen de weg en gaan "
            "ook mee naar gesprekken.",
        ),
        (
            "ouder",
            "Wij hebben veel gehad aan andere ouders. Kom eens naar de regiotafel, daar leer je "
            "mensen kennen.",
        ),
        (
            "any",
            "Op de website van het zorgkantoor staat wie je contactpersoon is en hoe je die "
            "bereikt.",
        ),
    ],
}

REACTIONS: dict[ThreadKind, list[_Line]] = {
    K.ERVARING: [
        ("ouder", "Zo herkenbaar. Wij hebben precies hetzelfde meegemaakt."),
        ("any", "Dank je voor het delen. Fijn om te lezen dat het goed is gegaan."),
        ("ouder", "Ik moest even slikken toen ik dit las. Dat dubbele gevoel, heel herkenbaar."),
        ("any", "Wat goed dat je dit opschrijft. Dit helpt ouders die er nog voor staan."),
        ("ouder", "Bij ons duurde het nog langer. Houd vol!"),
        ("ouder", "Herkenbaar, vooral dat je alles steeds opnieuw moet uitleggen."),
        ("any", "Wat fijn dat de begeleiding zo meedenkt. Dat is echt niet overal zo."),
        ("ouder", "Wij zitten nu in dezelfde fase. Mag ik je een bericht sturen?"),
        ("prof", "Dit is precies waarom vaste gezichten zo belangrijk zijn."),
        ("any", "Mooi om te lezen hoe jullie dit samen hebben opgelost."),
    ],
    K.KNELPUNT: [
        ("ouder", "Bij ons in de regio is het precies zo. Dit moet op de regiotafel."),
        ("ouder", "Wij lopen tegen hetzelfde aan. Zullen we het samen bij het zorgkantoor melden?"),
        (
            "aanbieder",
            "Als zorgaanbieder herkennen we dit. Het tarief past niet bij de zorg die nodig is.",
        ),
        ("any", "Heb je dit al als klacht gemeld? Dan staat het in elk geval op papier."),
        (
            "ouder",
            "Wij hebben dit met een paar ouders samen aangekaart bij de gemeente. Dat gaf meer "
            "druk dan alleen.",
        ),
        (
            "any",
            "Dit speelt overal. Goed dat je het meldt, dan wordt zichtbaar hoe vaak het gebeurt.",
        ),
        ("ouder", "Zo frustrerend. Je hebt al genoeg aan je hoofd."),
        (
            "any",
            "Wat helpt: schrijf op wat het jullie gezin kost aan slaap, werk en rust. Dat maakt "
            "het concreet.",
        ),
        (
            "ouder",
            "Bij ons is dit na lang aandringen opgelost, met hulp van het zorgkantoor. Blijf "
            "vragen!",
        ),
        (
            "professional",
            "Ik werk op een logeergroep en zie dit ook. Er zijn gewoon te weinig handen.",
        ),
    ],
    K.GOED_VOORBEELD: [
        ("any", "Wat een mooi voorbeeld! Dit werkt bij ons vast ook."),
        ("any", "Hoe hebben jullie dit betaald? Via de Wlz of via de gemeente?"),
        ("ouder", "Mag ik dit doorsturen naar onze dagbesteding?"),
        ("any", "Dit gaan we op de regiotafel bespreken. Dank voor het delen!"),
        ("any", "Hebben jullie een voorbeeld op papier? Ik zou het graag zien."),
        ("any", "Wij doen iets vergelijkbaars en het scheelt echt veel onrust."),
        ("any", "Hoe lang duurde het voordat dit goed liep?"),
        ("any", "Wat ik hier mooi aan vind: ouders en begeleiders doen het samen."),
        ("any", "Dit zou in elke regio moeten kunnen. Wie pakt het op?"),
        ("ouder", "Super. Ik ga dit voorstellen bij ons logeerhuis."),
    ],
}

GENERAL: list[_Line] = [
    ("any", "Dank je, fijn dat je dit deelt."),
    ("any", "Goed punt. Ik volg dit onderwerp."),
    ("any", "Wie weet hoe dit in andere regio's gaat?"),
    ("ouder", "Ik herken veel van wat je schrijft."),
    ("any", "Sterkte, en laat weten hoe het verder gaat."),
    ("any", "Interessant. Hebben meer mensen hier ervaring mee?"),
]

FOLLOW_UPS: list[_Line] = [
    ("any", "Eens. Zo gaat het bij ons ook."),
    ("any", "Goede tip, die had ik nog niet gehoord."),
    ("any", "Klopt, maar het verschilt wel per zorgkantoor."),
    ("ouder", "Bij ons zei het zorgkantoor iets anders. Ik ga het nog eens navragen."),
    ("any", "Dat vraag ik me ook af. Wie weet het?"),
    ("any", "Precies dit. Het hangt zo af van wie je treft."),
    ("any", "Wat goed dat het bij jullie wel lukte."),
    ("any", "Mag ik vragen hoe lang dat duurde?"),
    ("any", "Ja, en vraag het dan ook op papier."),
    ("ouder", "Dat was bij ons ook de doorslag."),
    ("prof", "Vanuit de zorg kan ik dit bevestigen. Goed dat ouders hier zo op letten."),
    ("any", "Dank je, dit helpt mij ook verder."),
]

AUTHOR_THANKS: list[_Line] = [
    ("any", "Dank je wel, hier heb ik echt wat aan!"),
    ("any", "Goed idee, dat ga ik deze week proberen."),
    ("any", "Dank voor het meedenken. Ik laat weten hoe het afloopt."),
    ("any", "Dat wist ik niet. Ik bel maandag meteen."),
    ("any", "Fijn om te horen dat we niet de enigen zijn."),
    ("any", "Update: het is gelukt! Dank jullie allemaal."),
    ("any", "Dat klinkt goed. Mag ik je een bericht sturen voor meer informatie?"),
    ("any", "Ja, precies zo voelt het."),
]

HOST_REPLIES: list[_Line] = [
    ("zorgkantoor", "Dank voor het melden. Ik zet dit op de agenda van de volgende regiotafel."),
    (
        "zorgkantoor",
        "Goed dat je dit deelt. Ik neem contact op met de aanbieder en kom hier op terug.",
    ),
    (
        "zorgkantoor",
        "Dit signaal horen we vaker. We maken er een actiepunt van, zodat iedereen kan volgen "
        "wat ermee gebeurt.",
    ),
    (
        "zorgkantoor",
        "Je kunt hierover ook bellen met de zorgbemiddelaar van het zorgkantoor. Die denkt "
        "mee over een oplossing.",
    ),
    (
        "zorgkantoor",
        "We kijken vanuit het zorgkantoor of meerzorg hier een mogelijkheid is. Bel ons gerust.",
    ),
    (
        "zorgkantoor",
        "We herkennen dit. Samen met de aanbieders zoeken we naar meer plekken in de regio.",
    ),
]

INTRODUCTIONS: dict[str, list[str]] = {
    P.OUDER.value: [
        "Hoi allemaal! Onze zoon van {leeftijd} heeft ZEVMB. Hij woont thuis en gaat vier "
        "dagen naar de dagbesteding. Ik hoop hier tips te vinden over logeren.",
        "Hallo, wij zijn ouders van een dochter van {leeftijd}. Ze heeft epilepsie en krijgt "
        "sondevoeding. We zoeken al een tijd een logeerplek die dat aankan.",
        "Hoi! Onze zoon is 17 en wordt binnenkort 18. Ik wil graag weten wat er dan allemaal "
        "verandert.",
        "Hallo! Onze dochter van {leeftijd_volw} woont sinds kort drie dagen per week in een "
        "woongroep. Ik deel graag hoe dat gaat.",
        "Hoi, ik help thuis mee met de zorg en lees vooral mee. Ik leer veel van jullie.",
        "Goedemiddag, wij wonen in {gemeente}. Onze zoon van {leeftijd} heeft een PGB. Ik denk "
        "graag mee over zorg regelen met een PGB.",
        "Hoi! Wij hebben twee kinderen, de oudste heeft ZEVMB. Ik ben hier vooral voor tips "
        "over vervoer, want de taxi is bij ons een drama.",
        "Hallo allemaal. Wij zijn net begonnen met de Wlz-aanvraag. Fijn dat er een plek is "
        "waar je ervaringen kunt delen.",
        "Hoi, onze dochter van {leeftijd} gaat sinds kort naar een zorgboerderij en geniet "
        "daar enorm.",
        "Hallo, bij ons thuis is er veel zorg nodig, ook 's nachts. Ik hoop hier mensen te "
        "vinden die dat herkennen.",
        "Hoi! Wij zoeken een logeerplek in de buurt van {gemeente}. Fijn dat we hier kunnen "
        "vragen wie wat weet.",
        "Goedendag. Onze zoon van {leeftijd_volw} woont al jaren in een instelling in "
        "{gemeente}. Ik deel graag wat we onderweg hebben geleerd.",
    ],
    P.ZORGPROFESSIONAL.value: [
        "Hallo, ik werk als begeleider op een logeergroep in {gemeente}. Ik hoor graag wat "
        "ouders belangrijk vinden bij het logeren.",
        "Hoi allemaal, ik ben verpleegkundige en werk in de nachtzorg. Ik denk graag mee over "
        "epilepsie en sondevoeding.",
        "Hallo, fysiotherapeut hier. Vragen over tilliften, zitten en liggen? Stel ze gerust.",
        "Goedemiddag, ik ben arts voor mensen met een verstandelijke beperking. Ik lees mee en "
        "help waar ik kan.",
    ],
    P.ZORGAANBIEDER.value: [
        "Hallo, wij zijn een kleine aanbieder van dagbesteding in {gemeente}. We willen graag "
        "van ouders leren wat beter kan.",
        "Hoi, vanuit ons logeerhuis lezen we mee. Heb je vragen over logeren bij ons? Stel ze "
        "gerust.",
        "Goedemiddag! Wij hebben een zorgboerderij met dagbesteding. We zoeken samen met "
        "ouders naar passende plekken.",
    ],
    P.ZORGKANTOOR.value: [
        "Hallo, ik werk bij het zorgkantoor als zorginkoper. Ik lees mee om te horen waar het "
        "knelt.",
        "Hoi, ik ben zorgbemiddelaar. Loop je vast met het vinden van zorg? Laat het me weten.",
    ],
    P.METGEZEL.value: [
        "Hallo, ik ben Metgezel (vroeger heette dat Copiloot). Ik help ouders de weg te vinden "
        "in de zorg. Vraag me gerust iets.",
        "Hoi allemaal, als Metgezel begeleid ik gezinnen bij grote stappen, zoals de overgang "
        "naar 18 jaar.",
    ],
    P.OVERIG.value: [
        "Hallo, ik ben cliëntondersteuner en help gezinnen gratis met vragen over de Wlz.",
        "Hoi, ik ben vrijwilliger bij een logeerhuis. Ik lees mee en leer veel van jullie.",
    ],
}

WELCOMES: list[str] = [
    "Welkom! Fijn dat je er bent.",
    "Welkom aan tafel! Zet je vraag gerust in een eigen onderwerp, dan kunnen meer mensen "
    "meedenken.",
    "Hartelijk welkom. Laat je het weten als je iets zoekt?",
    "Welkom! Er zijn hier meer mensen met dezelfde vraag. Kijk ook eens bij de onderwerpen "
    "over logeren.",
    "Welkom, en dank voor het voorstellen.",
    "Fijn dat je meedoet! Binnenkort is er weer een regiotafel, je bent van harte welkom.",
]

NEIGHBOUR_HELLOS: list[str] = [
    "Hoi en welkom! Wij wonen ook in de buurt.",
    "Welkom! Herkenbaar wat je schrijft.",
    "Leuk dat je er bent. Wij zitten in dezelfde situatie, stuur gerust een bericht.",
    "Welkom! Die zoektocht kennen wij ook.",
]

WELCOME_THANKS: list[str] = [
    "Dank jullie voor het warme welkom!",
    "Dank je, fijn om te lezen.",
    "Wat fijn, dank je wel!",
]


@dataclass(frozen=True)
class _Special:
    """A thread written for one space: the welcome threads and the pinned ones."""

    code: str
    author_role: str
    kind: ThreadKind
    themes: tuple[Theme, ...]
    title: str
    body: str
    age_days: float
    introductions: bool = False


SPECIALS: list[_Special] = [
    _Special(
        AMSTERDAM,
        "gastheer",
        K.VRAAG,
        (T.OVERIG,),
        "Welkom aan de regiotafel Amsterdam: stel je hier voor",
        _md(
            "Welkom aan de online regiotafel van Amsterdam! Ik ben gastheer namens het "
            "zorgkantoor. Hier praten ouders, zorgprofessionals, aanbieders en het zorgkantoor "
            "samen over logeren, dagbesteding, wonen, vervoer en hulpmiddelen.",
            "Wil je je voorstellen? Vertel in een reactie:",
            "- wie je bent (ouder, begeleider, aanbieder ...)\n"
            "- waar je in de regio woont of werkt\n"
            "- waar je graag over wilt praten",
            "Een tip: noem niet de naam of geboortedatum van je kind. Zo houden we het veilig "
            "voor iedereen.",
            "Ik lees mee en neem wat hier speelt mee naar de regiotafel met de aanbieders.",
        ),
        age_days=HISTORY_DAYS + 4,
        introductions=True,
    ),
    _Special(
        AMSTERDAM,
        "gastheer",
        K.ERVARING,
        (T.LOGEREN, T.VERVOER, T.PERSONEEL),
        "Terugblik op de regiotafel Amsterdam: dit gaan we doen",
        _md(
            "Vorige week zaten we met {n} ouders, vier aanbieders en het zorgkantoor aan tafel. "
            "Dank aan iedereen die er was! Hier de belangrijkste punten.",
            "**Wat we hoorden**",
            "- Te weinig logeerplekken met een wakkere nachtdienst.\n"
            "- Lange taxiritten naar de dagbesteding.\n"
            "- Veel wisselende gezichten door het personeelstekort.",
            "**Wat we afspraken**",
            "1. Twee aanbieders onderzoeken samen een extra logeerweekend per maand.\n"
            "2. Het zorgkantoor praat met de vervoerders over kortere routes.\n"
            "3. We verzamelen hier goede voorbeelden van vaste teams.",
            "Mis je iets? Zet het hieronder. De volgende regiotafel is over twee maanden.",
        ),
        age_days=38,
    ),
    _Special(
        NATIONAL_CODE,
        "beheerder",
        K.VRAAG,
        (T.OVERIG,),
        "Welkom op het landelijk leerplatform: stel je voor",
        _md(
            "Welkom! Op dit platform delen ouders, zorgprofessionals, aanbieders en "
            "zorgkantoren goede voorbeelden, ervaringen, knelpunten en vragen over logeren, "
            "(deeltijd)wonen, dagbesteding, vervoer en hulpmiddelen voor mensen met ZEVMB.",
            "Zo werkt het:",
            "- Elke zorgkantoorregio heeft een eigen regiotafel. Hier bij 'Landelijk' staat "
            "wat voor alle regio's geldt.\n"
            "- Kies bij een nieuw onderwerp of het een goed voorbeeld, ervaring, knelpunt of "
            "vraag is.\n"
            "- Werkt een goed voorbeeld ook bij jou? Laat het weten met 'Dit werkt ook bij "
            "ons'.",
            "Noem nooit de naam, de geboortedatum of een foto van je kind. Zo blijft het "
            "platform veilig voor iedereen.",
            "Stel je hieronder voor: wie ben je, en waar wil je hier graag meer over leren?",
        ),
        age_days=HISTORY_DAYS + 5,
        introductions=True,
    ),
    _Special(
        NATIONAL_CODE,
        "beheerder",
        K.VRAAG,
        (T.LOGEREN, T.WONEN, T.DAGBESTEDING),
        "Landelijke lijst logeren, (deeltijd)wonen en dagbesteding: wat mist er?",
        _md(
            "Samen met ouders en professionals is een lijst gemaakt van plekken voor logeren, "
            "(deeltijd)wonen en dagbesteding voor mensen met ZEVMB. Die lijst krijgt hier een "
            "vaste plek, zodat ouders en aanbieders hun ervaringen kunnen delen.",
            "We horen graag van je:",
            "- Welke plek in jouw regio ontbreekt?\n"
            "- Klopt wat er over een plek staat nog?\n"
            "- Welke plek kun je andere ouders aanraden, en waarom?",
            "Noem gerust de naam van de plek of de aanbieder. Noem geen namen van kinderen of "
            "begeleiders.",
        ),
        age_days=240,
    ),
]


class _Picker:
    """Hands out the lines of a bank in a shuffled order, so a thread rarely repeats itself."""

    def __init__(self, rng: random.Random, lines: Sequence[_Line]) -> None:
        self._rng = rng
        self._lines = list(lines)
        self._queue: list[_Line] = []

    def take(self) -> _Line:
        if not self._queue:
            self._queue = list(self._lines)
            self._rng.shuffle(self._queue)
        return self._queue.pop()


@dataclass
class _PlannedReply:
    author: User
    body: str
    parent: int | None
    depth: int
    is_answer: bool = False
    """A top-level reply to a question."""
    on_topic: bool = False
    """An answer about the question's first theme: the one most likely to be accepted."""


@dataclass
class _Made:
    """A thread as made, with what its dates are set from."""

    thread: Thread
    replies: list[Post] = field(default_factory=list)
    plan: list[_PlannedReply] = field(default_factory=list)
    accepted: Post | None = None
    recommenders: list[User] = field(default_factory=list)
    age_days: float | None = None


def add_demo_participants() -> list[str]:
    """Add the demo participants that are missing; return their addresses. Caller commits.

    They share the published demo password. One hash serves them all: hashing costs about a
    tenth of a second each, and the demo must load quickly.
    """
    existing = set(
        db.session.scalars(select(User.email).where(User.email.like(f"deelnemer-%@{DEMO_DOMAIN}")))
    )
    missing = [
        (number, row)
        for number, row in enumerate(PARTICIPANTS, start=1)
        if participant_email(number) not in existing
    ]
    if not missing:
        return []
    regions = {region.code: region for region in db.session.scalars(select(Region))}
    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    created: list[str] = []
    for number, (name, kind, code) in missing:
        region = regions[code]
        user = User(
            email=participant_email(number),
            display_name=name,
            participant_kind=kind.value,
            password_hash=password_hash,
            home_region=region,
            email_verified_at=now,
        )
        db.session.add(user)
        db.session.flush()
        # As create_user does: the home region is always a membership too.
        join_region(user=user, region=region)
        record_consent(user=user)
        created.append(user.email)
    return created


def demo_thread_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Thread).where(Thread.is_demo)) or 0


def load_forum_demo() -> int:
    """Make the demo threads, once; return how many were made. Caller commits."""
    if db.session.scalar(select(exists().where(Thread.is_demo.is_(True)))):
        return 0
    builder = _ForumBuilder()
    if not builder.ready:
        return 0
    return builder.build()


class _ForumBuilder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - varied demo content, not security
        self.now = utcnow()
        self.regions = {region.code: region for region in db.session.scalars(select(Region))}
        self.towns: dict[int, list[str]] = {}
        for region_id, name in db.session.execute(
            select(Municipality.region_id, Municipality.name).order_by(Municipality.name)
        ):
            self.towns.setdefault(region_id, []).append(name)
        users = db.session.scalars(
            select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id)
        ).all()
        self.by_email = {user.email: user for user in users}
        self.people = [user for user in users if not user.is_admin]
        self.admin = next((user for user in users if user.is_admin), None)
        self.ready = len(self.regions) > 1 and len(self.people) >= 10
        self.made: list[_Made] = []
        """The threads of the region being built."""
        self.thread_count = 0
        self.introduced: set[int] = set()

    def role(self, role: str) -> User | None:
        return self.by_email.get(f"{role}@{DEMO_DOMAIN}")

    # Who speaks where

    def cast_of(self, region: Region) -> list[User]:
        """The people who write in a region: who live there and a few who joined it."""
        if region.is_national:
            return list(self.people)
        home = [p for p in self.people if p.home_region_id == region.id]
        others = [p for p in self.people if p.home_region_id != region.id]
        parents = [p for p in others if p.participant_kind == P.OUDER.value]
        pros = [p for p in others if p.participant_kind in VOICES["prof"]]
        rest = [p for p in others if p not in parents and p not in pros]
        extra_parents, extra_pros = (6, 2) if region.code == AMSTERDAM else (3, 1)
        extra = [
            *self.rng.sample(parents, min(extra_parents, len(parents))),
            *self.rng.sample(pros, min(extra_pros, len(pros))),
            *self.rng.sample(rest, min(1, len(rest))),
        ]
        if region.code == AMSTERDAM:
            extra += [u for r in ("zorgaanbieder", "gastheer") if (u := self.role(r)) is not None]
        cast = list(dict.fromkeys([*home, *extra]))
        for person in cast:
            join_region(user=person, region=region)
        return cast

    def speaker(self, cast: Sequence[User], voice: str, avoid: Iterable[User] = ()) -> User:
        kinds = VOICES[voice]
        unwanted = {person.id for person in avoid}
        fitting = [p for p in cast if p.participant_kind in kinds and p.id not in unwanted]
        if not fitting:
            fitting = [
                p for p in self.people if p.participant_kind in kinds and p.id not in unwanted
            ]
        return self.rng.choice(fitting or list(cast))

    def values(self, region: Region, author: User) -> dict[str, object]:
        """What fills the placeholders: the region, or the author's home region nationally."""
        place = region
        if region.is_national:
            place = next((r for r in self.regions.values() if r.id == author.home_region_id), None)
            place = place or self.regions.get(AMSTERDAM) or region
        rng = self.rng
        return {
            "regio": place.name,
            "gemeente": rng.choice(self.towns.get(place.id) or [place.name]),
            "zorgkantoor": place.zorgkantoor or "het zorgkantoor",
            "n": rng.randint(3, 6),
            "keer": rng.choice(("drie", "vier", "vijf")),
            "wachttijd": rng.choice((6, 8, 9, 11, 14, 18, 24)),
            "maanden": rng.randint(3, 9),
            "minuten": rng.choice((55, 60, 70, 75, 90, 100)),
            "korte_rit": rng.choice((25, 30, 35, 40)),
            "km": rng.choice((25, 30, 40, 45, 60)),
            "leeftijd": rng.randint(6, 16),
            "leeftijd_volw": rng.randint(19, 31),
        }

    # Building

    def build(self) -> int:
        rng = self.rng
        counts = {code: BUSY_REGIONS.get(code, rng.randint(6, 9)) for code in sorted(self.regions)}
        for code, count in counts.items():
            region = self.regions[code]
            cast = self.cast_of(region)
            specials = [s for s in SPECIALS if s.code == code]
            for special in specials:
                self.make_special(region, cast, special)
            templates = rng.sample(TEMPLATES, min(count - len(specials), len(TEMPLATES)))
            # The first bottleneck of the two busiest spaces draws a long conversation.
            long_one = next((t for t in templates if t.kind == K.KNELPUNT), None)
            for template in templates:
                size = None
                if template is long_one and code in (AMSTERDAM, NATIONAL_CODE):
                    size = rng.randint(30, 36)
                self.make_thread(region, cast, template, size)
            self.finish_region(code)
        self.finish()
        return self.thread_count

    def finish_region(self, code: str) -> None:
        """Pin, date and write a region's threads, then let go of them.

        The services update counters with ``update(Thread)``, which looks through every object
        the session holds; a session that keeps 2,000 posts makes each reply slow.
        """
        if code in PINNED_BUSIEST and self.made:
            max(self.made, key=lambda made: len(made.replies)).thread.is_pinned = True
        for made in self.made:
            self.set_dates(made)
        db.session.flush()
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, Thread | ThreadTheme | Post | Recommendation) and obj in db.session:
                db.session.expunge(obj)
        self.thread_count += len(self.made)
        self.made = []

    def make_special(self, region: Region, cast: list[User], special: _Special) -> None:
        author = self.role(special.author_role) or self.rng.choice(cast)
        values = self.values(region, author)
        thread = start_thread(
            region=region,
            author=author,
            title=special.title,
            kind=special.kind,
            themes=special.themes,
            body=special.body.format_map(values),
            is_demo=True,
        )
        thread.is_pinned = True
        if special.introductions:
            plan = self.plan_introductions(region, cast, author)
        else:
            plan = self.plan_replies(special.kind, special.themes, author, cast, values, 12)
        self.add_replies(_Made(thread=thread, plan=plan, age_days=special.age_days))

    def make_thread(
        self, region: Region, cast: list[User], template: _Template, size: int | None
    ) -> None:
        rng = self.rng
        author = self.speaker(cast, template.voice)
        values = self.values(region, author)
        thread = start_thread(
            region=region,
            author=author,
            title=rng.choice(template.titles).format_map(values),
            kind=template.kind,
            themes=template.themes,
            body=template.body.format_map(values),
            is_demo=True,
        )
        if size is None:
            size = rng.choices(range(13), weights=(8, 7, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 3))[0]
            if template.kind == K.VRAAG and size == 0 and rng.random() < 0.85:
                size = rng.randint(1, 4)
        plan = self.plan_replies(template.kind, template.themes, author, cast, values, size)
        made = _Made(thread=thread, plan=plan)
        self.add_replies(made)
        if template.kind == K.VRAAG:
            steps = list(zip(made.replies, plan, strict=True))
            answers = [post for post, step in steps if step.on_topic] or [
                post for post, step in steps if step.is_answer
            ]
            if answers and rng.random() < 0.68:
                made.accepted = rng.choice(answers)
                accept_answer(thread=thread, post=made.accepted)
        if template.kind == K.GOED_VOORBEELD:
            wanted = rng.choice((0, 0, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 10, 12, 15))
            others = [p for p in self.by_email.values() if p.id != author.id]
            made.recommenders = rng.sample(others, min(wanted, len(others)))
            for person in made.recommenders:
                recommend(thread=thread, user=person)

    def plan_replies(
        self,
        kind: ThreadKind,
        themes: Sequence[Theme],
        author: User,
        cast: Sequence[User],
        values: dict[str, object],
        count: int,
    ) -> list[_PlannedReply]:
        """A reply tree: top-level replies, and conversations under them up to five deep."""
        rng = self.rng
        main_answers = {text for _voice, text in ANSWERS[themes[0]]} if kind == K.VRAAG else set()
        if kind == K.VRAAG:
            lines = [line for theme in themes for line in ANSWERS[theme]]
        else:
            lines = [*REACTIONS[kind], *GENERAL]
        top, follow = _Picker(rng, lines), _Picker(rng, FOLLOW_UPS)
        thanks, host_lines = _Picker(rng, AUTHOR_THANKS), _Picker(rng, HOST_REPLIES)
        hosts = [p for p in cast if p.participant_kind == P.ZORGKANTOOR.value and p is not author]
        host_spoke = False
        plan: list[_PlannedReply] = []
        for _ in range(count):
            parent = self.parent_for(plan)
            if parent is None:
                if hosts and not host_spoke and kind != K.ERVARING and rng.random() < 0.25:
                    host_spoke = True
                    _voice, text = host_lines.take()
                    who = rng.choice(hosts)
                else:
                    voice, text = top.take()
                    who = self.speaker(cast, voice, avoid=(author,))
                plan.append(
                    _PlannedReply(
                        who,
                        text.format_map(values),
                        None,
                        1,
                        is_answer=kind == K.VRAAG,
                        on_topic=text in main_answers,
                    )
                )
                continue
            above = plan[parent]
            if above.author is not author and rng.random() < 0.45:
                who, (_voice, text) = author, thanks.take()
            else:
                voice, text = follow.take()
                who = self.speaker(cast, voice, avoid=(above.author,))
            plan.append(_PlannedReply(who, text.format_map(values), parent, above.depth + 1))
        return plan

    def parent_for(self, plan: Sequence[_PlannedReply]) -> int | None:
        """None for a top-level reply; else the reply answered, mostly the latest one."""
        rng = self.rng
        if not plan or rng.random() < 0.5:
            return None
        candidate = len(plan) - 1 if rng.random() < 0.6 else rng.randrange(len(plan))
        return candidate if plan[candidate].depth < MAX_DEPTH else None

    def plan_introductions(
        self, region: Region, cast: Sequence[User], host: User
    ) -> list[_PlannedReply]:
        """Everyone says who they are; the host welcomes them, and neighbours say hello."""
        rng = self.rng
        speakers = [p for p in cast if p is not host and p.id not in self.introduced]
        self.introduced.update(p.id for p in speakers)
        banks = {kind: list(lines) for kind, lines in INTRODUCTIONS.items()}
        for lines in banks.values():
            rng.shuffle(lines)
        plan: list[_PlannedReply] = []
        for person in speakers:
            bank = banks[person.participant_kind]
            values = self.values(region, person)
            intro = bank.pop() if bank else rng.choice(INTRODUCTIONS[person.participant_kind])
            plan.append(_PlannedReply(person, intro.format_map(values), None, 1))
            index = len(plan) - 1
            if rng.random() < 0.85:
                plan.append(_PlannedReply(host, rng.choice(WELCOMES), index, 2))
            if rng.random() < 0.4:
                neighbour = rng.choice([p for p in speakers if p is not person])
                plan.append(_PlannedReply(neighbour, rng.choice(NEIGHBOUR_HELLOS), index, 2))
                if rng.random() < 0.5:
                    plan.append(_PlannedReply(person, rng.choice(WELCOME_THANKS), len(plan) - 1, 3))
        return plan

    def add_replies(self, made: _Made) -> None:
        for step in made.plan:
            parent = made.replies[step.parent] if step.parent is not None else None
            made.replies.append(
                reply_to(thread=made.thread, author=step.author, body=step.body, parent=parent)
            )
        self.made.append(made)

    # Dates

    def set_dates(self, made: _Made) -> None:
        """Spread the threads over ten months; replies follow their thread and each other."""
        rng, now, thread = self.rng, self.now, made.thread
        if made.age_days is not None:
            age = timedelta(days=made.age_days)
        else:
            age = timedelta(days=HISTORY_DAYS * rng.random() ** 1.4, hours=rng.uniform(1, 6))
        start = now - age
        thread.created_at = start
        times = self.reply_times(start, len(made.replies))
        for post, moment in zip(made.replies, times, strict=True):
            post.created_at = moment
        thread.last_activity_at = times[-1] if times else start
        if made.accepted is not None:
            later = made.accepted.created_at + timedelta(hours=rng.uniform(1, 48))
            made.accepted.accepted_at = min(later, now - timedelta(minutes=1))
        for person in made.recommenders:
            recommendation = db.session.get(Recommendation, (thread.id, person.id))
            if recommendation is not None:
                recommendation.created_at = start + (now - start) * rng.uniform(0.05, 0.95)

    def finish(self) -> None:
        """Opening posts take their thread's date; the accounts are older than their posts."""
        opened_at = select(Thread.created_at).where(Thread.id == Post.thread_id).scalar_subquery()
        db.session.execute(
            update(Post)
            .where(
                Post.is_opening.is_(True),
                Post.thread_id.in_(select(Thread.id).where(Thread.is_demo)),
            )
            .values(created_at=opened_at)
            .execution_options(synchronize_session=False)
        )
        earliest = self.now - timedelta(days=HISTORY_DAYS + 30)
        for person in self.by_email.values():
            if person.created_at > earliest:
                person.created_at = earliest - timedelta(days=self.rng.uniform(0, 30))
        db.session.flush()

    def reply_times(self, start: datetime, count: int) -> list[datetime]:
        """Increasing moments after ``start``, squeezed in before now when they run late.

        Replies are made in order, so a reply always comes after the one it answers.
        """
        rng = self.rng
        mean_hours = 6.0 if count > 20 else 18.0
        gaps = [rng.expovariate(1 / mean_hours) + 0.05 for _ in range(count)]
        room = (self.now - timedelta(minutes=10) - start).total_seconds() / 3600
        total = sum(gaps)
        if total > room > 0:
            gaps = [gap * room / total for gap in gaps]
        moments: list[datetime] = []
        moment = start
        for gap in gaps:
            moment += timedelta(hours=gap)
            moments.append(moment)
        return moments

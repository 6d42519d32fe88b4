"""Demo action items: bottlenecks from the demo forum, followed until they are resolved.

About fifty items over most regions and the national space, in every status, each with a
timeline of progress notes and status changes spread over the ten months of the demo forum,
linked to the bottleneck it comes from and to good practices that may solve it. A few are
escalated to the national space, a few are merged into a national item, and participants in
Amsterdam have proposals waiting for the demo host.

Everything here is invented. The texts are data, not interface, so they are not translated.
The services are used for every change, so the timeline reads as the app would write it; where
a service takes no moment, the moment is set on what it made afterwards.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.actions.models import (
    ActionItem,
    ActionItemLink,
    ActionItemUpdate,
    ActionStatus,
    UpdateKind,
)
from leerplatform.actions.services import add_update as add_progress
from leerplatform.actions.services import (
    change_status,
    create_item,
    decline_proposal,
    edit_item,
    escalate,
    link_thread,
    merge_items,
    propose,
)
from leerplatform.clock import utcnow
from leerplatform.demo.forum import AMSTERDAM, TEMPLATES
from leerplatform.demo.services import DEMO_DOMAIN
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Thread, ThreadKind
from leerplatform.regions.models import NATIONAL_CODE, Region, RegionHost, RegionMembership

SEED = 5515
MAX_ITEMS = 58
MAX_MERGES = 5
OPEN_PROPOSALS = 3

S = ActionStatus
P = ParticipantKind

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

PROVIDERS = frozenset({P.ZORGAANBIEDER.value, P.ZORGPROFESSIONAL.value})
STEERERS = frozenset({P.ZORGAANBIEDER.value, P.ZORGKANTOOR.value})
"""Who may own an item besides the hosts, the admin and the parent who raised it."""


def _md(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class _Scenario:
    """What an action item on one kind of bottleneck says, from start to end.

    Voices of the updates: "kantoor" (the host, the admin or a care office), "aanbieder"
    (a care provider), "professional" (a care professional) and "ouder" (a parent).
    """

    titles: tuple[str, ...]
    description: str
    start: str
    updates: tuple[tuple[str, str], ...]
    resolutions: tuple[str, ...]
    refusal: str
    solutions: tuple[str, ...] = ()
    """The good practices that may help: the first title of their forum template."""
    escalation: str = ""
    """Why it needs national policy; empty when it is not escalated."""


# Good practices of the demo forum, by the first title of their template.
G_VAST = "Vaste gezichten bij het logeren: zo doen ze het in {gemeente}"
G_MAP = "Tip: een map 'Zo zorg je voor mij' die meegaat naar het logeerhuis"
G_VERVOER = "Dagbesteding in {gemeente} regelt zelf het vervoer"
G_DEELTIJD = "Deeltijdwonen: drie dagen thuis, vier dagen in de woongroep"
G_OUDERINITIATIEF = "Ouderinitiatief: met {n} gezinnen samen een woonhuis opgezet"
G_STAGE = "Stagiairs opleiden op de groep: zo houden we vaste gezichten"
G_UITLEEN = "Uitleenpunt voor hulpmiddelen bij het logeerhuis"
G_METGEZEL = "Een Metgezel hielp ons door de Wlz-aanvraag"
G_EPILEPSIE = "Epilepsieprotocol samen met het logeerhuis gemaakt"
G_MEERZORG = "Meerzorg geregeld: nu kan logeren met één-op-één begeleiding"
G_WMOBUS = "Via de Wmo een aangepaste bus: zo ging het in {gemeente}"
G_NACHTZORG = "Eén vaste nacht per week slapen: nachtzorg aan huis via het PGB"
G_REGIOTAFEL = "Regiotafel in {regio}: ouders, aanbieders en zorgkantoor aan één tafel"
G_OVERDRACHT = "Warme overdracht van kinder- naar volwassenenlogeren"

# Bottlenecks of the demo forum, by the first title of their template.
K_ACHTTIEN = "Logeeropvang stopt bij 18 jaar: en dan?"
K_WACHTLIJST = "Wachtlijst logeerhuis in {regio}: {wachttijd} maanden"
K_VRIJDAG = "Dagbesteding dicht op vrijdag door personeelstekort"
K_TAXI = "Te lange taxiritten naar de dagbesteding in {regio}"
K_SONDE = "Logeerhuis neemt geen kinderen met sondevoeding"
K_TARIEF = "Het tarief voor logeren dekt de zorg niet"
K_TILLIFT = "Tillift mag niet mee naar het logeerhuis"
K_INVAL = "Steeds nieuwe invalkrachten op de groep"
K_ZOMER = "Geen rolstoelvervoer in de zomervakantie"
K_DEELTIJD = "Geen plek voor deeltijdwonen in {regio}"
K_ROLSTOEL = "Aangepaste rolstoel: al {maanden} maanden wachten"
K_MEERZORG = "Meerzorg elk jaar opnieuw aanvragen"
K_NACHT = "Logeren alleen overdag, want er is geen nachtdienst"
K_GRENS = "Vervoer naar dagbesteding over de gemeentegrens wordt niet vergoed"

ESCALATION_ORDER = (K_TAXI, K_TILLIFT, K_ROLSTOEL, K_GRENS, K_ZOMER, K_TARIEF)
"""Which bottlenecks go to the national space first: transport and aids, as the seeds say."""

# Placeholders: {regio}, {maand}, {n}, {minuten}, {doel}. The first title has no {regio}: it
# also serves national items.
SCENARIOS: dict[str, _Scenario] = {
    K_ACHTTIEN: _Scenario(
        titles=(
            "Logeren na de 18e verjaardag zonder gat",
            "Aansluitende logeerplek voor jongvolwassenen in {regio}",
        ),
        description=_md(
            "Ouders in {regio} melden dat het logeren stopt zodra hun kind 18 wordt. Bij de "
            "volwassenenzorg is dan nog geen plek. Zo valt de logeeropvang, en daarmee de rust "
            "voor het gezin, soms maanden weg.",
            "**Wat we willen bereiken**",
            "- Een jongere met ZEVMB heeft een half jaar vóór de 18e verjaardag een logeerplek "
            "voor volwassenen.\n"
            "- Het kinder- en het volwassenenlogeerhuis dragen samen over.\n"
            "- Ouders weten bij wie ze terechtkunnen.",
        ),
        start="Opgepakt. Eerst breng ik in kaart hoeveel jongeren het komende jaar 18 worden "
        "en nu logeren.",
        updates=(
            (
                "kantoor",
                "Inventarisatie klaar: het komende jaar worden {n} jongeren 18 die nu logeren. "
                "Voor de helft is nog geen vervolgplek.",
            ),
            (
                "aanbieder",
                "Wij kunnen twee logeerplekken voor jongvolwassenen openstellen. Voorwaarde is "
                "dat de overdracht met het kinderlogeerhuis goed geregeld is.",
            ),
            (
                "ouder",
                "Onze zoon wordt over vijf maanden 18. Fijn dat dit wordt opgepakt. Wanneer "
                "horen we iets concreets?",
            ),
            (
                "kantoor",
                "In {maand} met beide logeerhuizen om tafel gezeten. Afspraak: het "
                "kinderlogeerhuis neemt zes maanden voor de 18e verjaardag contact op met het "
                "volwassenenlogeerhuis.",
            ),
        ),
        resolutions=(
            "Vanaf nu begint de overdracht zes maanden vóór de 18e verjaardag. Twee aanbieders "
            "in {regio} bieden samen {n} logeerplekken voor jongvolwassenen. Ouders hebben één "
            "vast aanspreekpunt bij het zorgkantoor. We houden de eerste overstappen in de gaten.",
            "Er is een vaste werkwijze voor de overstap bij 18 jaar: een gezamenlijk "
            "overdrachtsgesprek met ouders, kinder- en volwassenenlogeerhuis, en een "
            "proefweekend vóór de verjaardag. De eerste drie jongeren zijn zonder onderbreking "
            "overgestapt.",
        ),
        refusal="Er is in {regio} nu geen aanbieder die logeren voor volwassenen met ZEVMB kan "
        "bieden; het personeelstekort is te groot. We nemen dit mee in de zorginkoop voor "
        "volgend jaar en kijken samen met ouders naar plekken in de buurregio's.",
        solutions=(G_OVERDRACHT, G_METGEZEL),
    ),
    K_WACHTLIJST: _Scenario(
        titles=(
            "Kortere wachtlijst voor logeren",
            "Meer logeerplekken voor kinderen met ZEVMB in {regio}",
        ),
        description=_md(
            "Gezinnen in {regio} wachten vaak meer dan een half jaar op een logeerplek. Logeren "
            "is voor veel ouders de enige manier om even bij te tanken. Zo lang wachten houden "
            "ze niet vol.",
            "**Wat we willen bereiken**",
            "- Een helder overzicht van wie er wacht en hoelang.\n"
            "- Extra logeerweekenden, ook bij aanbieders in de buurt.\n"
            "- Een wachttijd van hoogstens drie maanden.",
        ),
        start="We gaan ermee aan de slag. Eerst vraag ik bij de logeerhuizen op hoeveel "
        "gezinnen er nu wachten.",
        updates=(
            (
                "kantoor",
                "Stand van zaken: {n} logeerhuizen in de regio, samen ruim veertig gezinnen op "
                "de wachtlijst. Een deel staat bij meer huizen tegelijk ingeschreven.",
            ),
            (
                "aanbieder",
                "Wij kunnen één extra logeerweekend per maand openen als we twee vaste invallers "
                "kunnen aannemen. Daar praten we nu over met het zorgkantoor.",
            ),
            (
                "ouder",
                "Wij staan nu negen maanden op de lijst. Het helpt al om te weten dat iemand dit "
                "bijhoudt.",
            ),
            (
                "kantoor",
                "Eén centrale wachtlijst afgesproken met de logeerhuizen. Zo zien we wie het "
                "langst wacht en wie dubbel staat.",
            ),
        ),
        resolutions=(
            "De logeerhuizen in {regio} werken sinds {maand} met één centrale wachtlijst. Met "
            "twee extra logeerweekenden per maand is de wachttijd gedaald van ruim acht naar "
            "ongeveer drie maanden.",
            "Er is een extra logeergroep geopend met {n} plekken. Gezinnen die het langst "
            "wachtten, kregen als eerste een plek. Over een half jaar kijken we opnieuw naar de "
            "wachttijd.",
        ),
        refusal="Een extra logeergroep is nu niet haalbaar: er is geen geschikt gebouw en te "
        "weinig personeel. We zetten in op een centrale wachtlijst en kijken naar logeren bij "
        "gastgezinnen.",
        solutions=(G_VAST, G_REGIOTAFEL),
    ),
    K_VRIJDAG: _Scenario(
        titles=(
            "Dagbesteding weer vijf dagen per week open",
            "Oplossing voor de sluiting van de dagbesteding op vrijdag in {regio}",
        ),
        description=_md(
            "Door het personeelstekort gaan dagbestedingen in {regio} op vrijdag dicht. Ouders "
            "nemen dan zelf de zorg over, vaak naast hun werk. Voor de deelnemers valt "
            "bovendien een vertrouwde dag weg.",
            "**Wat we willen bereiken**",
            "- Dagbesteding weer vijf dagen per week.\n"
            "- Vaste invallers die de deelnemers kennen.\n"
            "- Tot die tijd: een noodoplossing voor gezinnen die vastlopen.",
        ),
        start="Opgepakt samen met de aanbieders. Eerste stap: in kaart brengen welke groepen op "
        "vrijdag dicht zijn.",
        updates=(
            (
                "aanbieder",
                "Wij werken sinds kort met een vaste invalpool van {n} mensen. Zij draaien eerst "
                "een paar dagen mee op de groep.",
            ),
            (
                "ouder",
                "Op vrijdag werk ik, dus nu neemt oma het over. Dat houdt ze niet lang vol.",
            ),
            (
                "kantoor",
                "Besproken met twee aanbieders: ze willen samen een invalpool opzetten en "
                "elkaars personeel inwerken.",
            ),
            (
                "aanbieder",
                "Samen met het mbo begint in {maand} een nieuwe groep stagiairs. Een aantal van "
                "hen wil op vrijdag werken.",
            ),
        ),
        resolutions=(
            "De dagbesteding is sinds {maand} weer vijf dagen per week open. Twee aanbieders "
            "delen een vaste invalpool, en stagiairs van het mbo werken op vrijdag mee.",
            "Vrijdag is weer een gewone dag. Er is een invalpool van {n} vaste mensen die de "
            "deelnemers kennen, en een afspraak met het mbo over stages.",
        ),
        refusal="Vijf dagen openen lukt nu niet: er zijn te weinig mensen te vinden. De "
        "aanbieder biedt op vrijdag wel een kleinere groep op één locatie, zodat gezinnen die "
        "echt vastlopen terechtkunnen.",
        solutions=(G_STAGE, G_VAST),
    ),
    K_TAXI: _Scenario(
        titles=(
            "Kortere taxiritten naar de dagbesteding",
            "Taxiritten naar de dagbesteding in {regio} hoogstens 45 minuten",
        ),
        description=_md(
            "Deelnemers in {regio} zitten soms meer dan een uur in de taxibus naar de "
            "dagbesteding. Voor mensen met ZEVMB is dat zwaar: ze komen moe, gespannen of met "
            "pijn aan. Soms is een deel van de dag daardoor verloren.",
            "**Wat we willen bereiken**",
            "- Geen rit langer dan 45 minuten.\n"
            "- Vaste chauffeurs die de deelnemers kennen.\n"
            "- Afspraken tussen gemeenten, vervoerders en aanbieders.",
        ),
        start="Opgepakt. Ik vraag de vervoerders om de rittijden van de afgelopen drie maanden.",
        updates=(
            (
                "kantoor",
                "De cijfers zijn binnen: bijna een derde van de ritten duurt langer dan een uur. "
                "De routes zijn gepland op zo veel mogelijk mensen per bus, niet op de reistijd.",
            ),
            (
                "aanbieder",
                "Wij halen een deel van onze deelnemers nu zelf op met eigen busjes. Dat werkt "
                "goed, maar het wordt niet vergoed.",
            ),
            (
                "ouder",
                "Onze dochter zit elke ochtend {minuten} minuten in de bus. Ze komt uitgeput "
                "aan. Alles wat helpt is welkom.",
            ),
            (
                "kantoor",
                "Gesprek gehad met de gemeenten. Zij kopen het vervoer elk apart in; daardoor "
                "rijden bussen kriskras door de regio.",
            ),
        ),
        resolutions=(
            "Met de vervoerder is afgesproken dat ritten naar de dagbesteding hoogstens 45 "
            "minuten duren. Er rijden {n} extra kleine busjes met vaste chauffeurs. De eerste "
            "metingen laten zien dat de afspraak wordt gehaald.",
            "De routes zijn opnieuw ingedeeld per dagbestedingslocatie. De langste rit is nu "
            "40 minuten.",
        ),
        refusal="Kortere ritten zijn binnen het huidige vervoerscontract niet te regelen; het "
        "contract loopt nog twee jaar. We nemen de eis van hoogstens 45 minuten mee in de "
        "nieuwe aanbesteding.",
        solutions=(G_VERVOER, G_WMOBUS),
        escalation="Lange ritten ontstaan doordat elke gemeente het vervoer apart inkoopt. Dat "
        "lossen we niet in één regio op: hiervoor zijn landelijke afspraken nodig tussen "
        "gemeenten, zorgkantoren en vervoerders.",
    ),
    K_SONDE: _Scenario(
        titles=(
            "Logeren mogelijk maken voor kinderen met sondevoeding",
            "Logeerhuizen in {regio} toegerust op sondevoeding",
        ),
        description=_md(
            "Ouders in {regio} horen dat hun kind niet kan logeren omdat het sondevoeding "
            "krijgt. Het logeerhuis zegt dat het personeel daarvoor niet bevoegd is. Juist deze "
            "gezinnen hebben logeren hard nodig.",
            "**Wat we willen bereiken**",
            "- Begeleiders in de logeerhuizen leren sondevoeding geven en zijn daarvoor "
            "bevoegd.\n"
            "- Een verpleegkundige is op afroep bereikbaar.\n"
            "- Kinderen met sondevoeding kunnen gewoon logeren.",
        ),
        start="Opgepakt met de logeerhuizen. Eerst zoeken we uit wat er nodig is om "
        "begeleiders bevoegd te maken.",
        updates=(
            (
                "aanbieder",
                "Wij hebben een verpleegkundige die de training wil geven. Per groep van acht "
                "begeleiders kost dat twee dagdelen.",
            ),
            (
                "ouder",
                "Wij leren zelf elke nieuwe begeleider de sonde aan. Fijn als dat straks niet "
                "meer hoeft.",
            ),
            (
                "kantoor",
                "Het zorgkantoor vergoedt de training voor de logeerhuizen. De eerste groep "
                "begint in {maand}.",
            ),
            (
                "aanbieder",
                "De eerste {n} begeleiders hebben de training afgerond en zijn afgetekend voor "
                "sondevoeding.",
            ),
        ),
        resolutions=(
            "In alle logeerhuizen in {regio} zijn nu begeleiders bevoegd voor sondevoeding. Er "
            "is een verpleegkundige op afroep. De eerste kinderen met sondevoeding logeren sinds "
            "{maand}.",
            "Twee logeerhuizen nemen nu kinderen met sondevoeding op. Elk weekend werkt er "
            "minstens één bevoegde begeleider, en ouders geven een overdrachtsmap mee.",
        ),
        refusal="Het logeerhuis kan zonder verpleegkundige in de nacht geen kinderen met "
        "sondevoeding opnemen, en die is er nu niet. We zoeken met ouders naar logeren bij een "
        "aanbieder met een verpleegkundige nachtdienst.",
        solutions=(G_MAP, G_EPILEPSIE),
    ),
    K_TARIEF: _Scenario(
        titles=(
            "Passend tarief voor logeren bij ZEVMB",
            "Logeertarief in {regio} afstemmen op de zorg die nodig is",
        ),
        description=_md(
            "Aanbieders in {regio} geven aan dat het tarief voor logeren niet dekt wat de zorg "
            "voor mensen met ZEVMB kost: vaak is één-op-één begeleiding nodig, ook 's nachts. "
            "Daardoor bieden aanbieders minder plekken aan of stoppen ze ermee.",
            "**Wat we willen bereiken**",
            "- Inzicht in de werkelijke kosten van logeren bij ZEVMB.\n"
            "- Een tarief of toeslag die daarbij past.\n"
            "- Duidelijkheid over wanneer meerzorg kan worden ingezet.",
        ),
        start="Opgepakt. De aanbieders leveren een kostenopbouw aan; daarmee gaan we het "
        "gesprek over het tarief in.",
        updates=(
            (
                "aanbieder",
                "Onze kostenopbouw is ingeleverd. Een logeerweekend met één-op-één begeleiding "
                "kost ons ongeveer anderhalf keer het tarief.",
            ),
            (
                "kantoor",
                "De kostenopbouw van {n} aanbieders is binnen. De verschillen zijn groot; we "
                "vragen een paar aanbieders om toelichting.",
            ),
            (
                "ouder",
                "Ons logeerhuis heeft twee plekken gesloten, 'omdat het niet uit kan'. Dit raakt "
                "ons dus direct.",
            ),
            (
                "kantoor",
                "Besproken in het overleg over de zorginkoop. Er komt een voorstel voor een "
                "toeslag bij logeren met intensieve zorg.",
            ),
        ),
        resolutions=(
            "Vanaf {maand} geldt een toeslag op het logeertarief voor mensen die één-op-één "
            "begeleiding nodig hebben. Aanbieders vragen die aan met een korte onderbouwing. De "
            "gesloten plekken gaan weer open.",
            "Het zorgkantoor heeft het tarief voor logeren met intensieve zorg verhoogd. Meerzorg "
            "kan nu ook voor logeren worden ingezet, zonder aparte aanvraag per weekend.",
        ),
        refusal="Een hoger tarief past niet binnen het budget van dit jaar. Het zorgkantoor "
        "neemt de kostenopbouw mee in de zorginkoop van volgend jaar en wijst aanbieders op "
        "meerzorg.",
        solutions=(G_MEERZORG,),
        escalation="Het tarief wordt landelijk vastgesteld; een regio kan er maar beperkt van "
        "afwijken. Dit moet via de landelijke tariefafspraken.",
    ),
    K_TILLIFT: _Scenario(
        titles=(
            "Duidelijkheid over hulpmiddelen bij het logeren",
            "Tillift en bed beschikbaar in de logeerhuizen in {regio}",
        ),
        description=_md(
            "Ouders in {regio} mogen de tillift van thuis niet meenemen naar het logeerhuis, en "
            "het logeerhuis heeft er zelf geen. De gemeente (Wmo) en het zorgkantoor (Wlz) "
            "wijzen naar elkaar. Intussen sjouwen ouders met hulpmiddelen, of gaat het logeren "
            "niet door.",
            "**Wat we willen bereiken**",
            "- Een heldere afspraak over wie hulpmiddelen bij het logeren betaalt.\n"
            "- Een tillift en een passend bed in elk logeerhuis.\n"
            "- Eén loket voor ouders met vragen.",
        ),
        start="Opgepakt. Ik leg de vraag voor aan de gemeenten en aan de afdeling hulpmiddelen "
        "van het zorgkantoor.",
        updates=(
            (
                "kantoor",
                "De gemeenten zeggen: hulpmiddelen voor thuis mogen niet mee. Het zorgkantoor "
                "zegt: hulpmiddelen in het logeerhuis zijn voor de aanbieder. Dat klopt, maar de "
                "aanbieder heeft er geen budget voor.",
            ),
            (
                "ouder",
                "Wij nemen elke keer de tillift in de auto mee, terwijl dat eigenlijk niet mag. "
                "Anders kan onze dochter niet logeren.",
            ),
            (
                "aanbieder",
                "Wij willen graag zelf twee tilliften aanschaffen als de kosten worden "
                "meegenomen in het tarief.",
            ),
            (
                "kantoor",
                "Afgesproken: het logeerhuis schaft de tilliften aan en het zorgkantoor "
                "vergoedt ze met een eenmalige bijdrage.",
            ),
        ),
        resolutions=(
            "Alle logeerhuizen in {regio} hebben nu een eigen tillift en een hoog-laagbed. "
            "Ouders hoeven niets meer mee te nemen. Voor bijzondere hulpmiddelen is er een "
            "uitleenpunt.",
            "Er is een duidelijke afspraak: het logeerhuis zorgt voor tillift en bed, de Wmo "
            "blijft voor thuis. Het zorgkantoor heeft de aanschaf eenmalig vergoed.",
        ),
        refusal="Een eigen tillift per logeerhuis is dit jaar niet te betalen. Het zorgkantoor "
        "onderzoekt een gezamenlijk uitleenpunt voor de regio.",
        solutions=(G_UITLEEN,),
        escalation="Of een hulpmiddel via de Wmo of de Wlz loopt, verschilt per gemeente. "
        "Hiervoor is een landelijke afspraak nodig tussen gemeenten, zorgkantoren en het "
        "ministerie.",
    ),
    K_INVAL: _Scenario(
        titles=(
            "Vaste gezichten op de groep ondanks het personeelstekort",
            "Minder wisselende invalkrachten in {regio}",
        ),
        description=_md(
            "Ouders in {regio} zien steeds nieuwe invalkrachten bij hun kind. Die kennen de "
            "signalen niet: pijn, een aanval of honger worden gemist. Voor mensen met ZEVMB is "
            "een vertrouwd gezicht geen luxe maar veiligheid.",
            "**Wat we willen bereiken**",
            "- Elke deelnemer heeft een klein vast team.\n"
            "- Invallers komen uit een vaste pool en worden ingewerkt.\n"
            "- Een overdracht op papier die altijd meegaat.",
        ),
        start="Opgepakt met de aanbieders.",
        updates=(
            (
                "aanbieder",
                "Wij werken nu met teams van vier vaste begeleiders per deelnemer. Invallers "
                "draaien eerst drie diensten mee.",
            ),
            (
                "ouder",
                "Vorige week weer drie nieuwe gezichten in één week. Onze zoon was daarna dagen "
                "onrustig.",
            ),
            (
                "kantoor",
                "Twee aanbieders gaan een gezamenlijke invalpool opzetten. Het zorgkantoor "
                "betaalt de inwerkuren.",
            ),
            (
                "aanbieder",
                "Onze overdrachtsmap 'Zo zorg je voor mij' is nu standaard voor elke deelnemer. "
                "Invallers lezen die voor de dienst.",
            ),
        ),
        resolutions=(
            "De aanbieders in {regio} werken nu met vaste teams per deelnemer en één "
            "gezamenlijke invalpool van {n} mensen. Invallers werken eerst mee voor ze alleen "
            "staan. Ouders merken minder wisselingen.",
            "Elke deelnemer heeft nu een vast team, en de invalpool is ingewerkt. Het aantal "
            "nieuwe gezichten per maand is gehalveerd.",
        ),
        refusal="Een gezamenlijke invalpool lukt niet: de aanbieders werken met verschillende "
        "cao's en roosters. Elke aanbieder zet nu zelf in op vaste teams.",
        solutions=(G_VAST, G_STAGE, G_MAP),
    ),
    K_ZOMER: _Scenario(
        titles=(
            "Rolstoelvervoer ook in de zomervakantie",
            "Vervoer naar opvang en logeren in de schoolvakanties in {regio}",
        ),
        description=_md(
            "In de zomervakantie rijdt het leerlingenvervoer niet. Kinderen met ZEVMB die in de "
            "vakantie naar de opvang of het logeerhuis gaan, hebben dan geen rolstoelvervoer. "
            "Ouders in {regio} moeten zelf rijden of de opvang afzeggen.",
            "**Wat we willen bereiken**",
            "- Rolstoelvervoer naar opvang en logeren, ook in de vakanties.\n"
            "- Op tijd duidelijkheid voor ouders, uiterlijk in het voorjaar.",
        ),
        start="Opgepakt. Ik zoek uit welk vervoer er in de vakantie wel rijdt en wie het kan "
        "regelen.",
        updates=(
            (
                "kantoor",
                "Het leerlingenvervoer valt onder de gemeente, het vervoer naar de opvang onder "
                "de Wlz. In de vakantie valt het eerste weg en is het tweede niet geregeld.",
            ),
            (
                "ouder",
                "Vorige zomer hebben we zes weken zelf gereden, twee keer per dag. Dat wil ik "
                "niet nog een keer.",
            ),
            (
                "aanbieder",
                "Wij kunnen in de zomer een deel van de ritten met onze eigen bus rijden, als "
                "dat vergoed wordt.",
            ),
            (
                "kantoor",
                "De vervoerder wil in de zomervakantie een vaste route naar de opvang rijden. "
                "We werken de afspraak uit.",
            ),
        ),
        resolutions=(
            "Deze zomer reed er een vaste rolstoelbus naar de opvang en het logeerhuis, betaald "
            "uit de Wlz. Ouders wisten het in april al. De afspraak geldt ook voor de andere "
            "schoolvakanties.",
            "Het vervoer in de vakanties is nu geregeld via de aanbieder van de opvang, met een "
            "eigen bus. Het zorgkantoor vergoedt de ritten.",
        ),
        refusal="Vervoer in de vakanties valt buiten wat het zorgkantoor kan vergoeden. We "
        "hebben de gemeenten gevraagd het op te nemen in het nieuwe vervoerscontract.",
        solutions=(G_VERVOER,),
        escalation="Het gat tussen leerlingenvervoer en Wlz-vervoer bestaat in alle regio's. "
        "Hiervoor is een landelijke afspraak nodig.",
    ),
    K_DEELTIJD: _Scenario(
        titles=(
            "Plekken voor deeltijdwonen voor jongvolwassenen met ZEVMB",
            "Deeltijdwonen mogelijk maken in {regio}",
        ),
        description=_md(
            "Ouders in {regio} willen dat hun kind stap voor stap het huis uit gaat: een paar "
            "dagen in een woongroep, de rest thuis. Zo'n deeltijdplek is er niet. Ouders moeten "
            "nu kiezen tussen alles of niets.",
            "**Wat we willen bereiken**",
            "- Minstens één aanbieder biedt deeltijdwonen aan.\n"
            "- Duidelijkheid over de indicatie en de bekostiging.\n"
            "- Ruimte voor ouderinitiatieven.",
        ),
        start="Opgepakt. Ik vraag de aanbieders wie deeltijdwonen wil aanbieden en wat daarvoor "
        "nodig is.",
        updates=(
            (
                "aanbieder",
                "Wij hebben in onze woongroep twee kamers die we voor deeltijdwonen kunnen "
                "gebruiken. De vraag is hoe we dat bekostigd krijgen.",
            ),
            (
                "ouder",
                "Wij willen dit heel graag. Onze dochter is 21 en wij worden ouder. Een paar "
                "nachten per week zou al veel schelen.",
            ),
            (
                "kantoor",
                "Het zorgkantoor kan deeltijdwonen bekostigen binnen de Wlz. We beginnen een "
                "proef met twee kamers bij één aanbieder.",
            ),
            (
                "ouder",
                "Wij zijn met {n} gezinnen een ouderinitiatief begonnen. Wie wil meedenken?",
            ),
        ),
        resolutions=(
            "Sinds {maand} biedt een aanbieder in {regio} deeltijdwonen aan: twee kamers, elk "
            "gedeeld door twee bewoners die de rest van de week thuis wonen. Het zorgkantoor "
            "bekostigt het binnen de Wlz.",
            "Er zijn nu {n} plekken voor deeltijdwonen in de regio. De eerste bewoners wonen "
            "drie dagen per week in de woongroep.",
        ),
        refusal="Geen enkele aanbieder in {regio} kan nu deeltijdwonen aanbieden; er is geen "
        "ruimte en te weinig personeel. We ondersteunen het ouderinitiatief in de regio met "
        "advies.",
        solutions=(G_DEELTIJD, G_OUDERINITIATIEF),
    ),
    K_ROLSTOEL: _Scenario(
        titles=(
            "Snellere levering van aangepaste rolstoelen",
            "Wachttijd voor aangepaste rolstoelen in {regio} korter maken",
        ),
        description=_md(
            "Kinderen met ZEVMB groeien uit hun rolstoel, maar een nieuwe aangepaste rolstoel "
            "laat in {regio} vaak maanden op zich wachten. In de tussentijd zitten ze slecht, "
            "met pijn en drukplekken.",
            "**Wat we willen bereiken**",
            "- Een aangepaste rolstoel is binnen drie maanden na de aanvraag geleverd.\n"
            "- Een tijdelijke rolstoel als het langer duurt.\n"
            "- Eén aanspreekpunt voor ouders.",
        ),
        start="Opgepakt. Ik vraag gemeenten en leveranciers waar de vertraging zit.",
        updates=(
            (
                "kantoor",
                "De vertraging zit vooral tussen de aanvraag en de passing: de leverancier heeft "
                "te weinig adviseurs die aan huis komen.",
            ),
            (
                "ouder",
                "Onze zoon zit al maanden in een te kleine stoel. De fysiotherapeut maakt zich "
                "zorgen over zijn rug.",
            ),
            (
                "professional",
                "Als behandelaar kan ik de oude stoel tijdelijk aanpassen. Dat overbrugt een "
                "paar maanden.",
            ),
            (
                "kantoor",
                "Afspraak met de leverancier: bij kinderen met ZEVMB komt de adviseur binnen "
                "twee weken langs.",
            ),
        ),
        resolutions=(
            "De leverancier komt bij kinderen met ZEVMB binnen twee weken langs en levert "
            "binnen drie maanden. Duurt het langer, dan is er een tijdelijke rolstoel. Ouders "
            "hebben één aanspreekpunt bij de gemeente.",
            "De gemeenten in {regio} hebben de aanvraag eenvoudiger gemaakt. Een aangepaste "
            "rolstoel komt nu gemiddeld in tien weken.",
        ),
        refusal="De gemeenten in {regio} nemen de levertijd pas in het contract op als het "
        "huidige contract afloopt. We brengen het opnieuw in bij de volgende aanbesteding.",
        solutions=(G_UITLEEN,),
        escalation="Levertijden van aangepaste rolstoelen zijn in veel regio's te lang, en de "
        "leveranciers werken landelijk. Dit vraagt landelijke afspraken.",
    ),
    K_MEERZORG: _Scenario(
        titles=(
            "Meerzorg niet elk jaar opnieuw aanvragen",
            "Eenvoudiger verlenging van meerzorg in {regio}",
        ),
        description=_md(
            "Aanbieders en ouders in {regio} moeten meerzorg elk jaar opnieuw aanvragen, met "
            "dezelfde formulieren en onderbouwingen. Bij mensen met ZEVMB verandert de "
            "zorgvraag zelden. Het papierwerk kost tijd die naar de zorg had kunnen gaan.",
            "**Wat we willen bereiken**",
            "- Meerzorg voor meer jaren toekennen als de situatie stabiel is.\n"
            "- Een korte verlenging zonder het hele dossier opnieuw.",
        ),
        start="Opgepakt. Ik bespreek met de afdeling meerzorg van het zorgkantoor wat er kan.",
        updates=(
            (
                "aanbieder",
                "Voor één cliënt kost de jaarlijkse aanvraag ons ongeveer twaalf uur. We hebben "
                "er dit jaar {n} gedaan.",
            ),
            (
                "kantoor",
                "Het zorgkantoor kan meerzorg voor drie jaar toekennen als de zorgvraag stabiel "
                "is. Dat gebeurde nog weinig.",
            ),
            (
                "ouder",
                "Een Metgezel heeft ons geholpen met de aanvraag. Zonder die hulp waren we erin "
                "verdwaald.",
            ),
            (
                "kantoor",
                "Er komt een kort verlengingsformulier voor stabiele situaties. Eerst proberen "
                "we het uit met een paar aanbieders.",
            ),
        ),
        resolutions=(
            "Meerzorg wordt bij een stabiele zorgvraag nu voor drie jaar toegekend. Voor "
            "verlenging is een kort formulier genoeg. Aanbieders in {regio} besparen zo veel "
            "uren papierwerk.",
            "Het zorgkantoor gebruikt sinds {maand} een verkort formulier voor de verlenging "
            "van meerzorg. De eerste verlengingen waren binnen twee weken rond.",
        ),
        refusal="Meerzorg voor meer jaren toekennen mag volgens de landelijke regels nog niet. "
        "We hebben het wel voorgelegd aan de landelijke werkgroep meerzorg.",
        solutions=(G_MEERZORG, G_METGEZEL),
    ),
    K_NACHT: _Scenario(
        titles=(
            "Logeren met nachtzorg mogelijk maken",
            "Wakkere nachtdienst in een logeerhuis in {regio}",
        ),
        description=_md(
            "Logeerhuizen in {regio} bieden voor mensen met ZEVMB alleen logeren overdag aan, "
            "omdat er geen wakkere nachtdienst is. Juist de nacht is voor ouders het zwaarst: "
            "veel kinderen hebben 's nachts zorg nodig.",
            "**Wat we willen bereiken**",
            "- Minstens één logeerhuis met een wakkere nachtdienst.\n"
            "- Logeren van vrijdag tot zondag, met nachtzorg.\n"
            "- Bekostiging die de nachtdienst dekt.",
        ),
        start="Opgepakt. Twee logeerhuizen willen onderzoeken of ze samen een nachtdienst "
        "kunnen draaien.",
        updates=(
            (
                "aanbieder",
                "Samen met een ander logeerhuis kunnen we één wakkere nachtdienst delen, als de "
                "huizen dicht bij elkaar liggen. We kijken of dat veilig kan.",
            ),
            (
                "ouder",
                "Wij slapen al jaren niet door. Eén nacht per maand zou al een wereld van "
                "verschil maken.",
            ),
            (
                "kantoor",
                "Het zorgkantoor wil de nachtdienst een jaar lang apart vergoeden, als proef.",
            ),
            (
                "aanbieder",
                "We hebben {n} nachtdienstmedewerkers gevonden. De eerste logeernachten zijn "
                "gepland in {maand}.",
            ),
            (
                "ouder",
                "Wij waren bij het proefweekend. Het ging goed, en wij hebben voor het eerst in "
                "maanden doorgeslapen.",
            ),
        ),
        resolutions=(
            "Sinds {maand} heeft een logeerhuis in {regio} een wakkere nachtdienst. Kinderen "
            "met nachtzorg kunnen weer van vrijdag tot zondag logeren. Het zorgkantoor vergoedt "
            "de nachtdienst.",
            "Twee logeerhuizen delen nu een wakkere nachtdienst. Er zijn {n} logeerplekken met "
            "nachtzorg bijgekomen.",
        ),
        refusal="Een wakkere nachtdienst is nu niet te bemensen: er zijn geen "
        "nachtdienstmedewerkers te vinden. Als tussenoplossing zoeken we samen met ouders naar "
        "nachtzorg aan huis via het PGB.",
        solutions=(G_NACHTZORG, G_VAST),
    ),
    K_GRENS: _Scenario(
        titles=(
            "Vervoer naar de dagbesteding over de gemeentegrens vergoeden",
            "Vervoer over de gemeentegrens regelen in {regio}",
        ),
        description=_md(
            "Voor mensen met ZEVMB is de passende dagbesteding vaak niet in de eigen gemeente. "
            "Gemeenten in {regio} vergoeden het vervoer over de gemeentegrens dan niet, of pas "
            "na bezwaar. Ouders moeten kiezen tussen een passende plek en vervoer.",
            "**Wat we willen bereiken**",
            "- Vervoer naar de passende dagbesteding wordt vergoed, ook over de "
            "gemeentegrens.\n"
            "- Eén afspraak voor alle gemeenten in de regio.",
        ),
        start="Opgepakt. Ik bespreek met de gemeenten en het zorgkantoor wie verantwoordelijk "
        "is voor dit vervoer.",
        updates=(
            (
                "kantoor",
                "Het vervoer naar de dagbesteding valt onder de Wlz als de dagbesteding in de "
                "indicatie zit. Dat weten niet alle gemeenten en aanbieders.",
            ),
            (
                "ouder",
                "Wij hebben bezwaar gemaakt en gelijk gekregen. Maar dat duurde vier maanden.",
            ),
            (
                "aanbieder",
                "Wij kunnen het vervoer regelen en declareren bij het zorgkantoor. Dan moeten "
                "ouders dat wel weten.",
            ),
            (
                "kantoor",
                "Er komt een korte uitleg voor ouders en aanbieders: wie betaalt welk vervoer. "
                "De gemeenten lezen mee.",
            ),
        ),
        resolutions=(
            "Het vervoer naar de dagbesteding loopt nu via de aanbieder en de Wlz, ook over de "
            "gemeentegrens. Er is een uitleg voor ouders, en de gemeenten verwijzen door.",
            "Alle gemeenten in {regio} vergoeden het vervoer over de gemeentegrens als de "
            "passende plek niet in de eigen gemeente is.",
        ),
        refusal="De gemeenten houden vast aan hun eigen regels. Ouders kunnen bezwaar maken; "
        "het zorgkantoor helpt daarbij.",
        solutions=(G_VERVOER, G_WMOBUS),
        escalation="Wie het vervoer over de gemeentegrens betaalt, verschilt per gemeente en "
        "per regio. Dit vraagt een landelijke regel.",
    ),
}

GENERIC = _Scenario(
    titles=("{knelpunt}",),
    description=_md(
        "Uit het onderwerp '{knelpunt}'. Ouders en professionals in {regio} lopen hier tegenaan.",
        "**Wat we willen bereiken**",
        "- Helder krijgen hoeveel gezinnen dit raakt.\n"
        "- Samen met aanbieders en het zorgkantoor een oplossing vinden.",
    ),
    start="Opgepakt. Eerst breng ik in kaart hoeveel gezinnen dit raakt.",
    updates=(),
    resolutions=("Opgelost in overleg met de aanbieders en het zorgkantoor in {regio}.",),
    refusal="Dit is nu niet op te lossen binnen de regio. We nemen het mee naar het volgende "
    "overleg.",
)
"""For a bottleneck no scenario was written for."""

GENERAL_UPDATES: tuple[tuple[str, str], ...] = (
    (
        "kantoor",
        "Besproken op de regiotafel van {maand}. Iedereen herkent het; we hebben afgesproken "
        "wie wat uitzoekt.",
    ),
    (
        "kantoor",
        "Navraag gedaan bij de aanbieders in de regio. Zodra ik antwoord heb, zet ik het hier.",
    ),
    ("ouder", "Dank voor het oppakken! Is er al iets bekend over de planning?"),
    ("ouder", "Bij ons is het nog steeds hetzelfde. Ik hoop dat er snel iets verandert."),
    (
        "aanbieder",
        "Wij denken graag mee. Ons team heeft hier ervaring mee; neem gerust contact op.",
    ),
    (
        "professional",
        "Vanuit de praktijk herken ik dit. Ik denk graag mee over wat er op de groep nodig is.",
    ),
    (
        "kantoor",
        "Kleine vertraging: het overleg met de gemeenten is verzet naar volgende maand.",
    ),
    ("ouder", "Goed om te lezen dat dit op de agenda staat. In onze gemeente speelt hetzelfde."),
)

NATIONAL_UPDATES: tuple[tuple[str, str], ...] = (
    (
        "kantoor",
        "Besproken in het landelijk overleg van de zorgkantoren in {maand}. Meer regio's "
        "herkennen dit knelpunt.",
    ),
    (
        "kantoor",
        "Ingebracht bij het ministerie van VWS en de VNG. Na de zomer horen we of het in de "
        "nieuwe afspraken komt.",
    ),
    ("ouder", "Fijn dat dit landelijk wordt opgepakt. In onze regio is het precies hetzelfde."),
    (
        "aanbieder",
        "Als aanbieder in meer regio's zien we dit overal. We leveren graag cijfers aan.",
    ),
)

FIRST_REACTIONS: tuple[tuple[str, str], ...] = (
    ("ouder", "Fijn dat hier een actiepunt van is gemaakt. Ik volg het."),
    ("ouder", "Goed dat dit wordt opgepakt. Laat het weten als ik ergens mee kan helpen."),
    ("aanbieder", "Wij sluiten graag aan bij het overleg hierover."),
)

AFTER_RESOLUTION: tuple[tuple[str, str], ...] = (
    ("ouder", "Wij merken het verschil al. Dank aan iedereen die hieraan heeft meegewerkt!"),
    ("aanbieder", "Het werkt in de praktijk. We houden het de komende maanden in de gaten."),
    ("ouder", "Eindelijk. Dank voor het volhouden!"),
)

MERGE_REASON = (
    "Dit knelpunt speelt in meer regio's. Het wordt verder opgepakt in het landelijke "
    "actiepunt '{doel}'; de onderwerpen uit {regio} gaan mee."
)
POSTPONE_NOTE = "Streefdatum verschoven: het overleg met de aanbieders duurt langer dan gedacht."

PROPOSAL_NOTES = (
    "Dit speelt bij veel gezinnen in Amsterdam. Kan hier een actiepunt van worden, zodat we "
    "weten wie het oppakt?",
    "Hier komen we als ouders niet alleen uit. Ik hoop dat het zorgkantoor dit oppakt.",
    "Kunnen we dit meenemen naar de volgende regiotafel en er een actiepunt van maken?",
    "Ik hoor dit van meer ouders op de dagbesteding. Wie pakt dit op?",
)
ACCEPTED_PROPOSAL_NOTE = "Dit horen we steeds vaker. Graag een actiepunt, met iemand die het trekt."
DECLINED_PROPOSAL_NOTE = (
    "Dank voor je voorstel! Dit is vooral een mooie ervaring om te delen; er is geen actie van "
    "het zorgkantoor nodig. Loop je tegen een knelpunt aan, meld dat dan als apart onderwerp."
)


def demo_action_count() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(ActionItem).where(ActionItem.is_demo.is_(True))
        )
        or 0
    )


def load_actions_demo() -> int:
    """Make the demo action items, once; return how many were made. Caller commits."""
    if db.session.scalar(select(exists().where(ActionItem.is_demo.is_(True)))):
        return 0
    builder = _ActionsBuilder()
    if not builder.ready:
        return 0
    return builder.build()


def _template_patterns(kind: ThreadKind) -> list[tuple[re.Pattern[str], str]]:
    """Title patterns of the forum templates of one kind, each with its first title as key."""
    patterns = []
    for template in TEMPLATES:
        if template.kind != kind:
            continue
        for title in template.titles:
            parts = re.split(r"\{\w+\}", title)
            patterns.append(
                (re.compile("^" + ".+?".join(map(re.escape, parts)) + "$"), template.titles[0])
            )
    return patterns


def _key_of(title: str, patterns: Sequence[tuple[re.Pattern[str], str]]) -> str | None:
    return next((key for pattern, key in patterns if pattern.match(title)), None)


@dataclass
class _Plan:
    """One action item as it will be made: where, from what, by whom, and how it ends."""

    thread: Thread
    region: Region
    key: str | None
    scenario: _Scenario
    created: datetime
    lead: User
    """Who makes and steers it: the region's demo host, or the admin."""
    status: ActionStatus = S.OPEN
    owner: User | None = None
    target: date | None = None
    escalate: bool = False
    escalate_at: datetime | None = None
    merge_into: _Plan | None = None
    merge_at: datetime | None = None
    item: ActionItem | None = None
    values: dict[str, object] = field(default_factory=dict)

    @property
    def national(self) -> bool:
        return self.region.is_national


class _ActionsBuilder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - varied demo content, not security
        self.now = utcnow()
        self.today = self.now.date()
        self.regions = {region.code: region for region in db.session.scalars(select(Region))}
        users = db.session.scalars(
            select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id)
        ).all()
        self.users = {user.id: user for user in users}
        self.admin = next((user for user in users if user.is_admin), None)
        self.hosts: dict[int, list[User]] = {}
        for region_id, user_id in db.session.execute(
            select(RegionHost.region_id, RegionHost.user_id).order_by(RegionHost.user_id)
        ):
            if user_id in self.users:
                self.hosts.setdefault(region_id, []).append(self.users[user_id])
        self.members: dict[int, list[User]] = {}
        for region_id, user_id in db.session.execute(
            select(RegionMembership.region_id, RegionMembership.user_id).order_by(
                RegionMembership.user_id
            )
        ):
            user = self.users.get(user_id)
            if user is not None and not user.is_admin:
                self.members.setdefault(region_id, []).append(user)
        self.threads = db.session.scalars(
            select(Thread)
            .where(Thread.is_demo.is_(True))
            .order_by(Thread.id)
            .options(selectinload(Thread.theme_links))
        ).all()
        self.ready = self.admin is not None and len(self.threads) > 20
        self.by_region_id = {region.id: region for region in self.regions.values()}
        patterns = _template_patterns(ThreadKind.GOED_VOORBEELD)
        self.practices = [t for t in self.threads if t.kind == ThreadKind.GOED_VOORBEELD.value]
        self.practice_keys = {t.id: _key_of(t.title, patterns) for t in self.practices}
        self.repliers: dict[int, list[User]] = {}
        self.plans: list[_Plan] = []

    # Who

    def lead_of(self, region: Region) -> User:
        hosts = self.hosts.get(region.id)
        return hosts[0] if hosts else self.admin  # type: ignore[return-value]

    def people_of(self, plan: _Plan) -> list[User]:
        """Who is involved: the thread's author and repliers, then the region's members."""
        region = plan.item.region if plan.item is not None else plan.region
        people = [
            self.users[plan.thread.author_id],
            *self.repliers.get(plan.thread.id, []),
            *self.members.get(region.id, []),
        ]
        if plan.item is not None and plan.item.origin_region_id is not None:
            people += self.members.get(plan.item.origin_region_id, [])
        return list(dict.fromkeys(p for p in people if p.id in self.users))

    def voice(self, plan: _Plan, voice: str) -> User:
        """Someone who can say a line of this voice about this item."""
        rng, owner = self.rng, plan.owner
        people = self.people_of(plan)
        if voice == "kantoor":
            region = plan.item.region if plan.item is not None else plan.region
            office = [p for p in people if p.participant_kind == P.ZORGKANTOOR.value]
            fitting = [self.lead_of(region), *office]
            if owner is not None and (owner in fitting or owner.is_admin):
                return owner if rng.random() < 0.6 else rng.choice(fitting)
            return fitting[0] if rng.random() < 0.65 else rng.choice(fitting)
        if voice in ("aanbieder", "professional"):
            kind = P.ZORGAANBIEDER.value if voice == "aanbieder" else P.ZORGPROFESSIONAL.value
            if owner is not None and owner.participant_kind == kind and rng.random() < 0.6:
                return owner
            fitting = [p for p in people if p.participant_kind == kind]
            if not fitting:
                fitting = [p for p in self.users.values() if p.participant_kind == kind]
            return rng.choice(fitting)
        author = self.users[plan.thread.author_id]
        if author.participant_kind == P.OUDER.value and rng.random() < 0.5:
            return author
        fitting = [p for p in people if p.participant_kind == P.OUDER.value]
        return rng.choice(fitting or people)

    def steerer(self, plan: _Plan) -> User:
        """Who changes the status: the owner when they may, else the host or the admin."""
        owner = plan.owner
        region = plan.item.region if plan.item is not None else plan.region
        lead = self.lead_of(region)
        if (
            owner is not None
            and owner is not lead
            and owner.participant_kind in {*PROVIDERS, *STEERERS}
            and self.rng.random() < 0.5
        ):
            return owner
        if owner is not None and owner.is_admin:
            return owner
        if plan.escalate and owner is not None:
            return owner
        return lead

    def choose_owner(self, plan: _Plan) -> User | None:
        rng = self.rng
        author = self.users[plan.thread.author_id]
        members = self.members.get(plan.region.id, [])
        providers = [p for p in members if p.participant_kind == P.ZORGAANBIEDER.value]
        office = [p for p in self.users.values() if p.participant_kind == P.ZORGKANTOOR.value]
        if plan.national:
            national_office = [p for p in office if not self.hosts_any(p)]
            pool = [
                self.admin,
                *national_office,
                *national_office,
                rng.choice(providers or [author]),
            ]
            return rng.choice(pool)
        if plan.lead is not self.admin:
            # A region with a demo host: the host steers most of it.
            roll = rng.random()
            if roll < 0.45:
                return plan.lead
            if roll < 0.8 and providers:
                return rng.choice(providers)
            return author
        local = [
            p
            for p in members
            if p.home_region_id == plan.region.id and p.participant_kind in STEERERS
        ]
        roll = rng.random()
        if local and roll < 0.6:
            return rng.choice(local)
        if roll < 0.08:
            return None
        if roll < 0.4:
            return author if author.participant_kind != P.ZORGKANTOOR.value else self.admin
        if roll < 0.75 or not providers:
            return self.admin
        return rng.choice(providers)

    def hosts_any(self, user: User) -> bool:
        return any(user in hosts for hosts in self.hosts.values())

    # Planning

    def build(self) -> int:
        self.plan_items()
        if not self.plans:
            return 0
        self.plan_escalations()
        self.plan_merges()
        self.plan_statuses()
        self.plan_targets()
        self.keep_amsterdam_in_progress()
        self.load_repliers()
        for plan in sorted(self.plans, key=lambda p: p.created):
            self.make(plan)
        for plan in sorted(
            (p for p in self.plans if p.merge_into is not None),
            key=lambda p: p.merge_at,  # type: ignore[arg-type, return-value]
        ):
            self.merge(plan)
        self.make_proposals()
        self.settle()
        return len(self.plans)

    def plan_items(self) -> None:
        """Which bottlenecks become items: all of Amsterdam and the national space, and one or
        two in each other region."""
        rng, now = self.rng, self.now
        patterns = _template_patterns(ThreadKind.KNELPUNT)
        bottlenecks: dict[int, list[Thread]] = {}
        for thread in self.threads:
            if thread.kind == ThreadKind.KNELPUNT.value and now - thread.created_at > timedelta(
                days=3
            ):
                bottlenecks.setdefault(thread.region_id, []).append(thread)
        always: list[Thread] = []
        others: list[Thread] = []
        for code in sorted(self.regions):
            threads = bottlenecks.get(self.regions[code].id, [])
            if code in (AMSTERDAM, NATIONAL_CODE):
                always += threads
                continue
            threads = list(threads)
            rng.shuffle(threads)
            others += threads[: 1 if len(threads) <= 2 else 2]
        chosen = [*always, *others][:MAX_ITEMS]
        for thread in chosen:
            region = self.by_region_id[thread.region_id]
            key = _key_of(thread.title, patterns)
            scenario = SCENARIOS.get(key or "", GENERIC)
            age = now - thread.created_at
            gap = min(timedelta(days=rng.uniform(2, 24), hours=rng.uniform(0, 8)), age * 0.6)
            plan = _Plan(
                thread=thread,
                region=region,
                key=key,
                scenario=scenario,
                created=self.daytime(thread.created_at + gap, thread.created_at, now),
                lead=self.lead_of(region),
            )
            plan.values = {
                "regio": "verschillende regio's" if region.is_national else region.name,
                "knelpunt": thread.title,
                "n": rng.randint(3, 6),
                "minuten": rng.choice((60, 70, 75, 90)),
            }
            self.plans.append(plan)

    def age(self, plan: _Plan) -> float:
        return (self.now - plan.created).total_seconds() / 86400

    def plan_escalations(self) -> None:
        """One item from Amsterdam and one from another region go to the national space."""
        national_keys = {p.key for p in self.plans if p.national}
        candidates = [
            p
            for p in self.plans
            if not p.national
            and p.scenario.escalation
            and p.key not in national_keys
            and self.age(p) >= 40
        ]
        order = {key: position for position, key in enumerate(ESCALATION_ORDER)}
        candidates.sort(key=lambda p: (order.get(p.key or "", 99), p.created))
        home = next((p for p in candidates if p.lead is not self.admin), None)
        taken = {home.key} if home else set()
        other = next(
            (p for p in candidates if p.lead is self.admin and p.key not in taken),
            None,
        )
        for plan in (home, other):
            if plan is None:
                continue
            plan.escalate = True
            plan.status = S.IN_BEHANDELING
            room = min(self.age(plan) - 5, 45)
            moment = plan.created + timedelta(days=self.rng.uniform(room * 0.4, room))
            plan.escalate_at = self.daytime(moment, plan.created, self.now - timedelta(days=5))

    def plan_merges(self) -> None:
        """Regional items on the same bottleneck as a national one are merged into it."""
        rng = self.rng
        targets = {p.key: p for p in self.plans if p.national or p.escalate}
        candidates = [
            p
            for p in self.plans
            if not p.national and not p.escalate and p.key in targets and p.lead is self.admin
        ]
        rng.shuffle(candidates)
        merged = 0
        for plan in candidates:
            target = targets[plan.key]
            start = max(plan.created, target.created)
            if target.escalate_at is not None:
                start = max(start, target.escalate_at)
            if self.now - start < timedelta(days=4) or merged >= MAX_MERGES:
                continue
            room = (self.now - timedelta(days=1) - start).total_seconds() / 86400
            plan.merge_into = target
            moment = start + timedelta(days=rng.uniform(1, min(room, 25)))
            plan.merge_at = self.daytime(moment, start, self.now - timedelta(days=1))
            plan.status = S.SAMENGEVOEGD
            merged += 1
            target.status = S.IN_BEHANDELING

    def plan_statuses(self) -> None:
        """How far each item got: older ones more often finished."""
        rng = self.rng
        fixed = {id(p) for p in self.plans if p.escalate or p.merge_into is not None}
        fixed |= {id(p.merge_into) for p in self.plans if p.merge_into is not None}
        free = [p for p in self.plans if id(p) not in fixed]
        for plan in free:
            age = self.age(plan)
            if plan.national:
                plan.status = rng.choice((S.OPEN, S.IN_BEHANDELING, S.IN_BEHANDELING))
                continue
            if age < 14:
                weights = (75, 25, 0, 0)
            elif age < 45:
                weights = (35, 50, 15 if age > 20 else 0, 0)
            elif plan.lead is not self.admin:
                weights = (20, 40, 30, 10)
            else:
                weights = (15, 33, 37, 15)
            plan.status = rng.choices(
                (S.OPEN, S.IN_BEHANDELING, S.OPGELOST, S.NIET_HAALBAAR), weights=weights
            )[0]
        # Every status shows at least twice, whatever the forum gave.
        oldest = sorted((p for p in free if not p.national), key=lambda p: p.created)
        for status in (S.OPGELOST, S.NIET_HAALBAAR):
            for plan in oldest:
                if sum(p.status is status for p in self.plans) >= 3:
                    break
                if plan.status.is_active and self.age(plan) > 30:
                    plan.status = status
        # Amsterdam, where the demo accounts live, always shows a resolved item (and its banner
        # on the thread), whatever the dates of the day gave: its oldest one ends resolved.
        amsterdam = [p for p in oldest if p.region.code == AMSTERDAM]
        if amsterdam and not any(p.status is S.OPGELOST for p in amsterdam):
            ended = next((p for p in amsterdam if p.status.is_active), None)
            if ended is not None:
                ended.status = S.OPGELOST
        youngest = list(reversed(oldest))
        for plan in youngest:
            if sum(p.status is S.OPEN for p in self.plans) >= 2:
                break
            if plan.status is S.IN_BEHANDELING:
                plan.status = S.OPEN
        for plan in self.plans:
            plan.owner = self.choose_owner(plan)
        # The demo host has items of their own to steer; an escalated item keeps its steerer.
        home = [p for p in self.plans if p.lead is not self.admin and p.status.is_active]
        for plan in home:
            if sum(p.owner is p.lead for p in home) >= 3:
                break
            plan.owner = plan.lead
        office = [
            p
            for p in self.users.values()
            if p.participant_kind == P.ZORGKANTOOR.value and not self.hosts_any(p)
        ]
        for plan in self.plans:
            if plan.escalate:
                away = plan.lead is self.admin and office
                plan.owner = self.rng.choice(office) if away else plan.lead

    def plan_targets(self) -> None:
        """Target dates: finished items had one; some active ones passed theirs."""
        rng, today = self.rng, self.today
        for plan in self.plans:
            start = plan.created.date()
            age = (today - start).days
            if plan.status.is_active:
                if plan.status is S.OPEN and rng.random() < 0.1:
                    plan.target = None
                elif age >= 30 and rng.random() < 0.35:
                    plan.target = start + timedelta(days=rng.randint(14, age - 3))
                else:
                    plan.target = today + timedelta(days=rng.randint(14, 150))
            else:
                plan.target = start + timedelta(days=rng.randint(30, 150))
        active = sorted(
            (
                p
                for p in self.plans
                if p.status.is_active and (self.today - p.created.date()).days >= 30
            ),
            key=lambda p: p.created,
        )
        overdue = [p for p in active if p.target is not None and p.target < today]
        for plan in active:
            if len(overdue) >= 3:
                break
            if plan not in overdue:
                plan.target = plan.created.date() + timedelta(days=21)
                overdue.append(plan)
        home = [p for p in active if p.lead is not self.admin]
        if home and not any(p in overdue for p in home):
            home[0].target = home[0].created.date() + timedelta(days=21)
        # One that nobody took up yet, though its date has passed.
        if active and not any(p.status is S.OPEN for p in overdue):
            waiting = [p for p in active if p.status is S.OPEN and not p.escalate]
            late = waiting[0] if waiting else next((p for p in active if not p.escalate), None)
            if late is not None:
                late.status = S.OPEN
                late.target = late.created.date() + timedelta(days=rng.randint(21, 35))

    def keep_amsterdam_in_progress(self) -> None:
        """Amsterdam, where the demo accounts live, always shows an item being worked on too,
        whatever the dates of the day gave: the oldest of its open items not yet overdue (the
        overdue one that nobody took up stays as it is)."""
        amsterdam = [
            p
            for p in sorted(self.plans, key=lambda p: p.created)
            if p.region.code == AMSTERDAM and p.merge_into is None and not p.escalate
        ]
        if any(p.status is S.IN_BEHANDELING for p in amsterdam):
            return
        waiting = [p for p in amsterdam if p.status is S.OPEN]
        if len(waiting) < 2:
            return
        on_time = [p for p in waiting if p.target is None or p.target >= self.today]
        (on_time or waiting)[0].status = S.IN_BEHANDELING

    def load_repliers(self) -> None:
        ids = [plan.thread.id for plan in self.plans]
        for thread_id, author_id in db.session.execute(
            select(Post.thread_id, Post.author_id)
            .where(Post.thread_id.in_(ids), Post.is_opening.is_(False))
            .order_by(Post.id)
        ):
            if author_id in self.users and not self.users[author_id].is_admin:
                people = self.repliers.setdefault(thread_id, [])
                if self.users[author_id] not in people:
                    people.append(self.users[author_id])

    # Making

    def text(self, plan: _Plan, line: str, moment: datetime, **extra: object) -> str:
        return line.format_map({**plan.values, "maand": MONTHS[moment.month - 1], **extra})

    def daytime(self, moment: datetime, low: datetime, high: datetime) -> datetime:
        """The same day in office hours (Dutch time), when that stays between low and high."""
        if 7 <= moment.hour <= 19:
            return moment
        rng = self.rng
        candidate = moment.replace(hour=rng.randint(7, 19), minute=rng.randint(0, 59))
        return candidate if low < candidate < high else moment

    def moments(self, start: datetime, end: datetime, count: int) -> list[datetime]:
        """``count`` increasing moments between ``start`` and ``end``, mostly in the daytime."""
        fractions = [self.rng.uniform(0.05, 0.95) for _ in range(count)]
        return sorted(self.daytime(start + (end - start) * f, start, end) for f in fractions)

    def solutions_for(self, plan: _Plan, before: datetime) -> list[Thread]:
        """Good practices that may help, from the region first, then national, then anywhere."""
        if not plan.scenario.solutions:
            return []
        fitting = [
            t
            for t in self.practices
            if t.created_at < before and self.practice_keys[t.id] in plan.scenario.solutions
        ]
        national = self.regions[NATIONAL_CODE].id

        def closeness(thread: Thread) -> int:
            if thread.region_id == plan.region.id:
                return 0
            return 1 if thread.region_id == national else 2

        fitting.sort(key=lambda t: (closeness(t), -t.recommendation_count, t.id))
        return fitting[: self.rng.choice((1, 1, 2))]

    def make(self, plan: _Plan) -> None:
        rng, scenario, created = self.rng, plan.scenario, plan.created
        end = self.end_of(plan)
        solutions = self.solutions_for(plan, end)
        at_start = [t for t in solutions if t.created_at < created and rng.random() < 0.4]
        later = [t for t in solutions if t not in at_start]
        postpone = (
            plan.status is S.IN_BEHANDELING
            and plan.target is not None
            and plan.target > self.today
            and self.age(plan) > 45
            and rng.random() < 0.3
        )
        first_target = plan.target
        if postpone and plan.target is not None:
            first_target = plan.target - timedelta(days=rng.randint(30, 60))
        neutral = plan.national or plan.escalate
        title = scenario.titles[0] if neutral else rng.choice(scenario.titles)
        item = create_item(
            region=plan.region,
            author=plan.lead,
            title=self.text(plan, title, created),
            description=self.text(plan, scenario.description, created),
            themes=[link.theme for link in plan.thread.theme_links],
            owner=plan.owner,
            target_date=first_target,
            threads=[plan.thread, *at_start],
            is_demo=True,
            at=created,
        )
        plan.item = item
        for moment, kind, value in self.steps(plan, end, later, postpone):
            if kind == "start":
                note = self.text(plan, scenario.start, moment) if rng.random() < 0.75 else ""
                change_status(
                    item=item,
                    author=self.steerer(plan),
                    expected_version=None,
                    status=S.IN_BEHANDELING,
                    note=note,
                    at=moment,
                )
            elif kind == "note":
                voice, line = value  # type: ignore[misc]
                self.note(plan, item, voice, self.text(plan, line, moment), moment)
            elif kind == "link":
                self.link(plan, item, value, moment)  # type: ignore[arg-type]
            elif kind == "postpone":
                self.postpone(plan, item, moment)
            elif kind == "escalate":
                self.escalate(plan, item, moment)
        if plan.status is S.OPGELOST:
            change_status(
                item=item,
                author=self.steerer(plan),
                expected_version=None,
                status=S.OPGELOST,
                note=self.text(plan, rng.choice(scenario.resolutions), end),
                at=end,
            )
            after = end + timedelta(days=rng.uniform(3, 40))
            after = self.daytime(after, end, self.now - timedelta(hours=1))
            if after < self.now - timedelta(hours=1) and rng.random() < 0.5:
                voice, line = rng.choice(AFTER_RESOLUTION)
                self.note(plan, item, voice, line, after)
        elif plan.status is S.NIET_HAALBAAR:
            change_status(
                item=item,
                author=self.steerer(plan),
                expected_version=None,
                status=S.NIET_HAALBAAR,
                note=self.text(plan, scenario.refusal, end),
                at=end,
            )

    def end_of(self, plan: _Plan) -> datetime:
        """When the item's own story ends: merged, resolved, refused, or (still going) now."""
        rng = self.rng
        if plan.merge_at is not None:
            return plan.merge_at
        if plan.status in (S.OPGELOST, S.NIET_HAALBAAR):
            room = min(self.age(plan) - 2, 170)
            end = plan.created + timedelta(days=rng.uniform(min(14, room * 0.6), room))
            return self.daytime(end, plan.created, self.now - timedelta(days=1))
        latest = self.now - timedelta(hours=rng.uniform(2, 30))
        return max(latest, plan.created + (self.now - plan.created) * 0.7)

    def steps(
        self, plan: _Plan, end: datetime, links: Sequence[Thread], postpone: bool
    ) -> list[tuple[datetime, str, object]]:
        """What happens between the item's creation and its end, in order of time."""
        rng, created = self.rng, plan.created
        # The scenario's notes tell a story, so they keep their order; a refused item stops
        # before the agreements that would have solved it.
        lines = list(plan.scenario.updates)
        if plan.status is S.NIET_HAALBAAR:
            lines = lines[:2]
        general = list(NATIONAL_UPDATES if plan.national else GENERAL_UPDATES)
        rng.shuffle(general)
        count = {
            S.OPEN: rng.randint(0, 2),
            S.IN_BEHANDELING: rng.randint(2, 5),
            S.OPGELOST: rng.randint(3, 5),
            S.NIET_HAALBAAR: rng.randint(2, 4),
            S.SAMENGEVOEGD: rng.randint(0, 1),
        }[plan.status]
        if plan.status.is_active:
            # A new item has had little time to gather notes.
            count = min(count, int(self.age(plan) // 7) + 1)
        if plan.status in (S.OPEN, S.SAMENGEVOEGD):
            lines, general = [], [rng.choice(FIRST_REACTIONS), *general]
        told = lines[: rng.randint(min(count, 2), count)] if lines else []
        others = general[: count - len(told)]
        begin = created
        steps: list[tuple[datetime, str, object]] = []
        if plan.status is not S.OPEN and plan.merge_into is None:
            begin = created + min(timedelta(days=rng.uniform(1, 10)), (end - created) * 0.2)
            begin = self.daytime(begin, created, end)
            steps.append((begin, "start", None))
        regional_end = end
        if plan.escalate and plan.escalate_at is not None:
            steps.append((plan.escalate_at, "escalate", None))
            national = list(NATIONAL_UPDATES)
            rng.shuffle(national)
            after = national[: rng.randint(1, 2)]
            steps += [
                (moment, "note", line)
                for moment, line in zip(
                    self.moments(plan.escalate_at, end, len(after)), after, strict=True
                )
            ]
            regional_end = plan.escalate_at
        later: list[tuple[str, object]] = [("note", line) for line in told]
        for extra in [*(("note", line) for line in others), *(("link", t) for t in links)]:
            later.insert(rng.randint(0, len(later)), extra)
        if postpone:
            later.append(("postpone", None))
        moments = self.moments(begin, regional_end, len(later))
        for moment, (kind, value) in zip(moments, later, strict=True):
            if isinstance(value, Thread) and value.created_at >= moment:
                # A good practice is linked once it has been written.
                moment = min(value.created_at + timedelta(hours=rng.uniform(2, 48)), end)
                moment = self.daytime(moment, value.created_at, end)
            steps.append((moment, kind, value))
        steps.sort(key=lambda step: step[0])
        return steps

    def note(self, plan: _Plan, item: ActionItem, voice: str, body: str, moment: datetime) -> None:
        entry = add_progress(item=item, author=self.voice(plan, voice), body=body)
        entry.created_at = moment

    def link(self, plan: _Plan, item: ActionItem, thread: Thread, moment: datetime) -> None:
        author = plan.owner if plan.owner is not None and self.rng.random() < 0.5 else plan.lead
        if plan.owner is not None and plan.owner.participant_kind == P.OUDER.value:
            author = plan.lead
        if not link_thread(item=item, thread=thread, author=author):
            return
        link = db.session.get(ActionItemLink, (item.id, thread.id))
        if link is not None:
            link.created_at = moment
        entry = db.session.scalar(
            select(ActionItemUpdate).where(
                ActionItemUpdate.action_item_id == item.id,
                ActionItemUpdate.kind == UpdateKind.GEKOPPELD.value,
                ActionItemUpdate.thread_id == thread.id,
            )
        )
        if entry is not None:
            entry.created_at = moment

    def postpone(self, plan: _Plan, item: ActionItem, moment: datetime) -> None:
        """The owner moves the target date, and says why in a note."""
        author = self.steerer(plan)
        changed = edit_item(
            item=item,
            author=author,
            expected_version=None,
            title=item.title,
            description=item.description_source,
            themes=[link.theme for link in item.theme_links],
            owner=item.owner,
            target_date=plan.target,
        )
        if not changed:
            return
        entry = db.session.scalar(
            select(ActionItemUpdate)
            .where(
                ActionItemUpdate.action_item_id == item.id,
                ActionItemUpdate.kind == UpdateKind.GEWIJZIGD.value,
            )
            .order_by(ActionItemUpdate.id.desc())
            .limit(1)
        )
        if entry is not None:
            entry.created_at = moment
        reason = add_progress(item=item, author=author, body=POSTPONE_NOTE)
        reason.created_at = moment + timedelta(minutes=2)

    def escalate(self, plan: _Plan, item: ActionItem, moment: datetime) -> None:
        escalate(
            item=item,
            author=plan.lead,
            expected_version=None,
            reason=plan.scenario.escalation,
        )
        entry = db.session.scalar(
            select(ActionItemUpdate).where(
                ActionItemUpdate.action_item_id == item.id,
                ActionItemUpdate.kind == UpdateKind.OPGESCHAALD.value,
            )
        )
        if entry is not None:
            entry.created_at = moment

    def merge(self, plan: _Plan) -> None:
        item, target, moment, admin = plan.item, plan.merge_into, plan.merge_at, self.admin
        if item is None or target is None or target.item is None or moment is None:
            return
        if admin is None:
            return
        into = target.item
        had = set(
            db.session.scalars(
                select(ActionItemLink.thread_id).where(ActionItemLink.action_item_id == into.id)
            )
        )
        reason = MERGE_REASON.format(doel=into.title, regio=plan.region.name)
        merge_items(item=item, into=into, author=admin, expected_version=None, reason=reason)
        for entry in db.session.scalars(
            select(ActionItemUpdate).where(
                ActionItemUpdate.kind == UpdateKind.SAMENGEVOEGD.value,
                or_(
                    and_(
                        ActionItemUpdate.action_item_id == item.id,
                        ActionItemUpdate.other_item_id == into.id,
                    ),
                    and_(
                        ActionItemUpdate.action_item_id == into.id,
                        ActionItemUpdate.other_item_id == item.id,
                    ),
                ),
            )
        ):
            entry.created_at = moment
        for link in db.session.scalars(
            select(ActionItemLink).where(
                ActionItemLink.action_item_id == into.id, ActionItemLink.thread_id.not_in(had)
            )
        ):
            link.created_at = moment

    def make_proposals(self) -> None:
        """Amsterdam participants ask the host to take up threads: one taken up, one declined,
        and a few still waiting."""
        rng, now = self.rng, self.now
        region = self.regions.get(AMSTERDAM)
        if region is None or region.id not in self.hosts:
            return
        host = self.hosts[region.id][0]
        linked = set(db.session.scalars(select(ActionItemLink.thread_id)))
        threads = [
            t
            for t in self.threads
            if t.region_id == region.id
            and not t.is_pinned
            and t.id not in linked
            and t.kind
            in (ThreadKind.VRAAG.value, ThreadKind.ERVARING.value, ThreadKind.KNELPUNT.value)
            and now - t.created_at > timedelta(days=2)
        ]
        people = [
            p
            for p in self.members.get(region.id, [])
            if p is not host and p.participant_kind != P.ZORGKANTOOR.value
        ]
        if not threads or not people:
            return
        rng.shuffle(threads)
        notes = list(PROPOSAL_NOTES)
        rng.shuffle(notes)
        experiences = [t for t in threads if t.kind == ThreadKind.ERVARING.value]
        declined = experiences[0] if experiences else None
        waiting = [t for t in threads if t is not declined][:OPEN_PROPOSALS]
        for thread, note in zip(waiting, notes, strict=False):
            who = rng.choice([p for p in people if p.id != thread.author_id] or people)
            proposal, _new = propose(thread=thread, user=who, note=note)
            age = (now - thread.created_at) * rng.uniform(0.1, 0.7)
            asked = now - min(age, timedelta(days=rng.uniform(2, 28)))
            proposal.created_at = self.daytime(asked, thread.created_at, now)
        if declined is not None:
            who = rng.choice(people)
            proposal, _new = propose(
                thread=declined, user=who, note="Kan hier een actiepunt van worden?"
            )
            asked = declined.created_at + (now - declined.created_at) * rng.uniform(0.2, 0.5)
            proposal.created_at = asked = self.daytime(asked, declined.created_at, now)
            decline_proposal(proposal=proposal, host=host, note=DECLINED_PROPOSAL_NOTE)
            decided = asked + (now - asked) * rng.uniform(0.1, 0.4)
            proposal.decided_at = self.daytime(decided, asked, now)
        # An Amsterdam item that began as a participant's proposal.
        started = [
            p
            for p in self.plans
            if p.region.code == AMSTERDAM
            and p.item is not None
            and p.lead is host
            and p.status.is_active
            and not p.escalate
        ]
        taken = max(started, key=lambda p: p.created, default=None)
        if taken is not None and taken.item is not None:
            asker = self.users[taken.thread.author_id]
            if asker is host:
                asker = rng.choice(people)
            proposal, _new = propose(thread=taken.thread, user=asker, note=ACCEPTED_PROPOSAL_NOTE)
            proposal.created_at = taken.created - timedelta(days=rng.uniform(1, 4))
            proposal.created_at = max(proposal.created_at, taken.thread.created_at)
            proposal.decided_at = taken.created
            proposal.decided_by_id = host.id
            proposal.outcome = "aangenomen"
            proposal.action_item_id = taken.item.id
        db.session.flush()

    def settle(self) -> None:
        """Counters and last activity follow the timeline, whatever moment a service used."""
        db.session.flush()
        ids = [plan.item.id for plan in self.plans if plan.item is not None]
        figures = {
            item_id: (count, latest)
            for item_id, count, latest in db.session.execute(
                select(
                    ActionItemUpdate.action_item_id,
                    func.count(),
                    func.max(ActionItemUpdate.created_at),
                )
                .where(ActionItemUpdate.action_item_id.in_(ids))
                .group_by(ActionItemUpdate.action_item_id)
            )
        }
        for plan in self.plans:
            item = plan.item
            if item is None or item.id not in figures:
                continue
            count, latest = figures[item.id]
            item.update_count = count
            item.last_activity_at = _aware(latest)
        db.session.flush()


def _aware(moment: datetime) -> datetime:
    """An aggregate may come back without its time zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

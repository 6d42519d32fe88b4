"""Demo places for the aanbod directory: about thirty invented places across the regions.

Everything here is invented (names, providers and web addresses under the reserved .example
domain). The texts are data, not interface, so they are not translated.
"""

from __future__ import annotations

from sqlalchemy import select

from leerplatform.extensions import db
from leerplatform.places.models import AgeGroup, Offer, Place, PlaceKind, PlaceStatus
from leerplatform.places.services import PlaceDetails, fill_place
from leerplatform.regions.models import Municipality
from leerplatform.regions.services import region_by_code

K, D, W, T = PlaceKind.LOGEREN, PlaceKind.DAGBESTEDING, PlaceKind.WONEN, PlaceKind.DEELTIJDWONEN
KIDS, ADULTS, ALL = AgeGroup.KINDEREN, AgeGroup.VOLWASSENEN, AgeGroup.ALLE_LEEFTIJDEN
NACHT, WAKKER, SONDE, LIFT, VPK, SNOEZEL = (
    Offer.NACHTZORG,
    Offer.WAKKERE_NACHT,
    Offer.SONDEVOEDING,
    Offer.TILLIFT,
    Offer.VERPLEEGKUNDIGE_ZORG,
    Offer.SNOEZELRUIMTE,
)

# (name, kind, provider, region code, municipality, age group, offers, description)
DEMO_PLACES: list[tuple[str, PlaceKind, str, str, str, AgeGroup, tuple[Offer, ...], str]] = [
    (
        "Logeerhuis De Linde",
        K,
        "Stichting De Linde (demo)",
        "5513",
        "Haarlem",
        KIDS,
        (NACHT, WAKKER, SONDE, LIFT, VPK),
        "Logeren in het weekend en in de vakanties. Er is altijd een verpleegkundige wakker.",
    ),
    (
        "Dagcentrum Het Anker",
        D,
        "Zorggroep Amstel (demo)",
        "5515",
        "Amsterdam",
        ADULTS,
        (SONDE, LIFT, SNOEZEL),
        "Dagbesteding in kleine groepen met veel aandacht voor zintuiglijke activiteiten.",
    ),
    (
        "Kinderdagcentrum De Vlinder",
        D,
        "Zorggroep Amstel (demo)",
        "5515",
        "Amsterdam",
        KIDS,
        (SONDE, LIFT, VPK, SNOEZEL),
        "Voor kinderen die niet naar school kunnen. Ook met sondevoeding en medicatie.",
    ),
    (
        "Woonhuis Oostpoort",
        W,
        "Zorggroep Amstel (demo)",
        "5515",
        "Diemen",
        ADULTS,
        (NACHT, WAKKER, LIFT, VPK),
        "Acht bewoners, elk met een eigen kamer met plafondlift.",
    ),
    (
        "Logeerboerderij De Hooiberg",
        K,
        "Boerderijzorg Noord (demo)",
        "5501",
        "Groningen",
        ALL,
        (NACHT, LIFT),
        "Logeren op een boerderij met dieren, met een rolstoelvriendelijk erf.",
    ),
    (
        "Dagbesteding Wad en Wier",
        D,
        "Fryske Soarch (demo)",
        "5502",
        "Leeuwarden",
        ADULTS,
        (LIFT, SNOEZEL),
        "Dagbesteding met veel buiten zijn en een grote snoezelruimte.",
    ),
    (
        "Logeerhuis Het Veen",
        K,
        "Drentse Zorgcirkel (demo)",
        "5503",
        "Assen",
        KIDS,
        (NACHT, WAKKER, SONDE, VPK),
        "Logeren voor kinderen met intensieve zorg, ook met sondevoeding.",
    ),
    (
        "Deeltijdwonen De Vecht",
        T,
        "IJsselzorg (demo)",
        "5504",
        "Zwolle",
        ADULTS,
        (NACHT, LIFT, VPK),
        "Doordeweeks wonen, in het weekend naar huis: voor jongvolwassenen.",
    ),
    (
        "Woonvoorziening Twentehof",
        W,
        "Zorg in Twente (demo)",
        "5505",
        "Enschede",
        ADULTS,
        (NACHT, WAKKER, SONDE, LIFT, VPK),
        "Wonen met 24 uur zorg, met verpleegkundigen op de groep.",
    ),
    (
        "Logeerhuis De Eikel",
        K,
        "Veluwezorg (demo)",
        "5506",
        "Apeldoorn",
        KIDS,
        (NACHT, SONDE, LIFT),
        "Logeren in een huis midden in het bos.",
    ),
    (
        "Dagcentrum Rijnoever",
        D,
        "Stichting Rijnoever (demo)",
        "5507",
        "Arnhem",
        ALL,
        (SONDE, LIFT, SNOEZEL),
        "Dagbesteding voor kinderen en volwassenen in aparte groepen.",
    ),
    (
        "Kindzorghuis Waalkant",
        K,
        "Zorgcollectief Nijmegen (demo)",
        "5508",
        "Nijmegen",
        KIDS,
        (NACHT, WAKKER, SONDE, LIFT, VPK),
        "Medisch kindzorghuis: logeren met verpleegkundige zorg.",
    ),
    (
        "Woonhuis De Domtoren",
        W,
        "Utrechtse Zorgalliantie (demo)",
        "5509",
        "Utrecht",
        ADULTS,
        (NACHT, WAKKER, LIFT),
        "Wonen in de stad, met dagbesteding om de hoek.",
    ),
    (
        "Dagbesteding De Kei",
        D,
        "Utrechtse Zorgalliantie (demo)",
        "5509",
        "Amersfoort",
        ADULTS,
        (LIFT, SNOEZEL),
        "Dagbesteding met muziek, water en beweging.",
    ),
    (
        "Logeerhuis Polderwind",
        K,
        "Flevozorg (demo)",
        "5510",
        "Lelystad",
        ALL,
        (NACHT, SONDE, LIFT),
        "Logeren voor kinderen en volwassenen, ook midweeks.",
    ),
    (
        "Deeltijdwonen Het Gooi",
        T,
        "Gooise Zorg (demo)",
        "5511",
        "Hilversum",
        ADULTS,
        (NACHT, LIFT),
        "Een paar nachten per week wonen, de rest thuis.",
    ),
    (
        "Dagcentrum De Duinen",
        D,
        "Kustzorg Noord (demo)",
        "5512",
        "Alkmaar",
        KIDS,
        (SONDE, LIFT, VPK, SNOEZEL),
        "Kinderdagcentrum met verpleegkundige zorg op de groep.",
    ),
    (
        "Woonhuis De Zaan",
        W,
        "Zaanse Zorg (demo)",
        "5514",
        "Zaanstad",
        ADULTS,
        (NACHT, WAKKER, SONDE, LIFT, VPK),
        "Wonen met wakkere nacht en eigen verpleegkundigen.",
    ),
    (
        "Logeerhuis De Sleutel",
        K,
        "Leidse Zorgkring (demo)",
        "5517",
        "Leiden",
        KIDS,
        (NACHT, WAKKER, SONDE, VPK),
        "Logeren met vaste gezichten, zodat kinderen de begeleiding kennen.",
    ),
    (
        "Dagbesteding Hofstad",
        D,
        "Haagse Zorgpartners (demo)",
        "5518",
        "'s-Gravenhage",
        ADULTS,
        (LIFT, SNOEZEL),
        "Dagbesteding in het centrum, met uitstapjes naar het strand.",
    ),
    (
        "Woonvoorziening Delftse Hout",
        W,
        "Haagse Zorgpartners (demo)",
        "5519",
        "Delft",
        ADULTS,
        (NACHT, LIFT, VPK),
        "Kleinschalig wonen voor zes bewoners.",
    ),
    (
        "Logeerhuis Goudse Waarden",
        K,
        "Groene Hart Zorg (demo)",
        "5520",
        "Gouda",
        ALL,
        (NACHT, SONDE, LIFT),
        "Logeren in het Groene Hart, met familiedagen voor broers en zussen.",
    ),
    (
        "Kinderdagcentrum Maasstad",
        D,
        "Rotterdamse Zorgkring (demo)",
        "5521",
        "Rotterdam",
        KIDS,
        (SONDE, LIFT, VPK, SNOEZEL),
        "Kinderdagcentrum met een eigen verpleegkundige.",
    ),
    (
        "Woonhuis Kralingen",
        W,
        "Rotterdamse Zorgkring (demo)",
        "5521",
        "Rotterdam",
        ADULTS,
        (NACHT, WAKKER, SONDE, LIFT, VPK),
        "Wonen met 24 uur zorg en een wakkere nacht.",
    ),
    (
        "Logeerhuis Drechtoever",
        K,
        "Drechtzorg (demo)",
        "5524",
        "Dordrecht",
        KIDS,
        (NACHT, SONDE, LIFT),
        "Logeren in het weekend, vlak bij het water.",
    ),
    (
        "Dagbesteding Walcheren",
        D,
        "Zeeuwse Zorg (demo)",
        "5525",
        "Middelburg",
        ADULTS,
        (LIFT, SNOEZEL),
        "Dagbesteding met zintuiglijke activiteiten en een moestuin.",
    ),
    (
        "Deeltijdwonen Baronie",
        T,
        "Brabantse Zorgkring (demo)",
        "5526",
        "Breda",
        ADULTS,
        (NACHT, WAKKER, LIFT, VPK),
        "Deeltijdwonen voor jongvolwassenen, met een wakkere nacht.",
    ),
    (
        "Logeerhuis Het Wilhelminapark",
        K,
        "Tilburgse Zorg (demo)",
        "5527",
        "Tilburg",
        KIDS,
        (NACHT, WAKKER, SONDE, LIFT, VPK),
        "Logeren voor kinderen met intensieve zorg.",
    ),
    (
        "Woonhuis De Dommel",
        W,
        "Zorg Zuidoost (demo)",
        "5529",
        "Eindhoven",
        ADULTS,
        (NACHT, SONDE, LIFT, VPK),
        "Wonen in een nieuw gebouw met tilliften in elke kamer.",
    ),
    (
        "Dagcentrum Maasdal",
        D,
        "Limburgse Zorgkring (demo)",
        "5530",
        "Venlo",
        ALL,
        (SONDE, LIFT, SNOEZEL),
        "Dagbesteding voor jong en oud, met vervoer van en naar huis.",
    ),
    (
        "Logeerhuis Mergelland",
        K,
        "Limburgse Zorgkring (demo)",
        "5531",
        "Maastricht",
        ALL,
        (NACHT, WAKKER, SONDE, LIFT, VPK),
        "Logeren met verpleegkundige zorg, dag en nacht.",
    ),
]


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")


def load_places_demo() -> int:
    """Add the demo places that are missing, approved; return how many were made. Caller commits."""
    existing = {
        (name, provider, region_id)
        for name, provider, region_id in db.session.execute(
            select(Place.name, Place.provider, Place.region_id)
        )
    }
    towns = {town.name: town for town in db.session.scalars(select(Municipality))}
    made = 0
    for name, kind, provider, code, town, age_group, offers, description in DEMO_PLACES:
        region = region_by_code(code)
        if region is None or (name, provider, region.id) in existing:
            continue
        place = Place(status=PlaceStatus.GOEDGEKEURD.value, is_demo=True)
        fill_place(
            place,
            PlaceDetails(
                name=name,
                kind=kind,
                provider=provider,
                region=region,
                municipality=towns.get(town),
                age_group=age_group,
                offers=offers,
                website=f"https://{_slug(provider)}.example/{_slug(name)}",
                description=description,
            ),
        )
        db.session.add(place)
        made += 1
    db.session.flush()
    return made


# Conversations about demo places: (place, kind, themes, title, body). Invented, like the places.
PLACE_STORIES: list[tuple[str, str, tuple[str, ...], str, str]] = [
    (
        "Dagcentrum Het Anker",
        "ervaring",
        ("dagbesteding",),
        "Drie maanden naar Het Anker: hoe het wennen ging",
        "Onze dochter gaat sinds de zomer drie dagen naar Het Anker. De eerste weken waren zwaar: "
        "nieuwe geluiden, nieuwe gezichten. Wat hielp: de begeleider kwam eerst bij ons thuis "
        "kijken hoe we haar tillen en voeden.\n\nNu lacht ze als het busje voor de deur staat.",
    ),
    (
        "Dagcentrum Het Anker",
        "goed_voorbeeld",
        ("dagbesteding", "personeel"),
        "Een vaste begeleider per deelnemer werkt bij Het Anker",
        "Bij Het Anker heeft elke deelnemer één vaste begeleider die ook de overdracht met ouders "
        "doet. Daardoor hoeven wij niet elke dag alles opnieuw uit te leggen. Misschien is dit "
        "ook iets voor andere dagcentra?",
    ),
    (
        "Kinderdagcentrum De Vlinder",
        "vraag",
        ("dagbesteding", "vervoer"),
        "Wie brengt zijn kind zelf naar De Vlinder?",
        "Het taxibusje naar De Vlinder doet er soms een uur over. Brengen jullie je kind zelf? "
        "En krijg je daar dan een vergoeding voor?",
    ),
    (
        "Woonhuis Oostpoort",
        "ervaring",
        ("wonen",),
        "Verhuisd naar Woonhuis Oostpoort",
        "Na twee jaar wachtlijst is onze zoon verhuisd naar Oostpoort. Het was een grote stap "
        "voor ons als ouders. Wat ons geruststelde: we mochten de eerste weken elke avond langs.",
    ),
    (
        "Logeerhuis De Linde",
        "ervaring",
        ("logeren",),
        "Logeren bij De Linde: een weekend per maand rust",
        "Eén weekend per maand logeert onze zoon bij De Linde. Ze hebben daar een wakkere nacht, "
        "dus wij slapen dan echt. Tip: neem zijn eigen kussen en muziek mee.",
    ),
    (
        "Logeerboerderij De Hooiberg",
        "goed_voorbeeld",
        ("logeren",),
        "Logeren op de boerderij: buiten zijn doet hem goed",
        "De Hooiberg laat logés meehelpen met de dieren, ook als ze in een rolstoel zitten. "
        "Onze dochter komt moe maar blij thuis.",
    ),
    (
        "Logeerhuis Polderwind",
        "knelpunt",
        ("logeren", "personeel"),
        "Logeerweekenden bij Polderwind vaak afgezegd",
        "Door te weinig personeel zijn dit jaar al vier logeerweekenden bij Polderwind afgezegd, "
        "soms een dag van tevoren. Dan staan wij er weer alleen voor.",
    ),
    (
        "Woonhuis De Domtoren",
        "ervaring",
        ("wonen", "bekostiging"),
        "Meerzorg aanvragen voor De Domtoren duurde lang",
        "Voor het wonen in De Domtoren was meerzorg nodig. Het zorgkantoor vroeg veel papieren. "
        "Na vier maanden was het rond. Vraag hulp van een Metgezel, dat scheelt veel.",
    ),
    (
        "Kinderdagcentrum Maasstad",
        "goed_voorbeeld",
        ("dagbesteding", "hulpmiddelen"),
        "Maasstad leent hulpmiddelen uit voor thuis",
        "Kinderdagcentrum Maasstad leent een tweede tillift uit aan ouders, zolang die van de "
        "gemeente nog niet geleverd is. Dat hielp ons enorm.",
    ),
    (
        "Logeerhuis Mergelland",
        "vraag",
        ("logeren",),
        "Ervaringen met logeren in Mergelland met sondevoeding?",
        "Onze zoon krijgt sondevoeding en heeft 's nachts zuurstof nodig. Wie heeft ervaring met "
        "logeren in Mergelland? Doen zij dat goed?",
    ),
]


def load_place_stories() -> int:
    """Add the demo conversations about demo places that are missing. Caller commits.

    In Amsterdam the parent role account writes them; elsewhere a demo participant of the
    region does.
    """
    from leerplatform.accounts.models import User
    from leerplatform.forum.models import Thread
    from leerplatform.forum.services import start_thread

    existing = set(
        db.session.scalars(
            select(Thread.title).where(Thread.is_demo.is_(True), Thread.place_id.isnot(None))
        )
    )
    places = {
        place.name: place
        for place in db.session.scalars(select(Place).where(Place.is_demo.is_(True)))
    }
    made = 0
    for place_name, kind, themes, title, body in PLACE_STORIES:
        place = places.get(place_name)
        if place is None or title in existing:
            continue
        author = db.session.scalar(
            select(User)
            .where(
                User.home_region_id == place.region_id,
                User.email.like("%@demo.leerplatform.nl"),
                User.is_admin.is_(False),
            )
            .order_by(User.email != "ouder@demo.leerplatform.nl", User.id)
            .limit(1)
        )
        if author is None:
            continue
        start_thread(
            region=place.region,
            author=author,
            title=title,
            kind=kind,
            themes=themes,
            body=body,
            is_demo=True,
            place=place,
        )
        made += 1
    return made

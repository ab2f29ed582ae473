"""The reference seller's catalogue: a small, realistic Bengaluru marketplace.

Three providers on one seller app (a marketplace seller node, ``np_type`` MSN):

* ``P1`` Bengaluru Pizza Co. (ONDC:RET11): a pizza with a mandatory size group and an optional
  toppings group (F&B customisations), and a side dish;
* ``P2`` Udupi Tiffin House (ONDC:RET11): two plain dishes;
* ``P3`` Namma Grocery Mart (ONDC:RET10): two packaged staples with EANs and the statutory
  declarations packaged food needs.

Every id is unique across the whole catalogue (providers, stores, fulfillments, categories,
items) so a defect in a flow can never be hidden by an id that happens to exist elsewhere.
Prices are :class:`~decimal.Decimal`; the payload builders format them.  This module is data
only: :mod:`ondc_harness.reference.retail_payloads` turns it into ONDC JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

CATALOGUE_UPDATED_AT = "2025-01-06T04:30:00.000Z"
"""When the catalogue last changed: every ``time.timestamp`` in on_search (always in the past)."""

IMAGE_BASE = "https://ref-seller.ondc-harness.local/images"

ItemKind = Literal["item", "customization"]


@dataclass(frozen=True)
class Store:
    """A provider location: where orders are prepared and picked up."""

    id: str
    name: str
    gps: str
    street: str
    locality: str
    area_code: str
    phone: str
    email: str
    city: str = "Bengaluru"
    state: str = "Karnataka"
    days: str = "1,2,3,4,5,6,7"
    opens: str = "1000"
    closes: str = "2300"
    radius_km: str = "5"


@dataclass(frozen=True)
class FulfillmentOption:
    """One way a provider hands over an order (Delivery, Self-Pickup or Buyer-Delivery).

    ``slots`` > 0 makes a Delivery slotted: on_select offers that many delivery windows of
    ``slot_length``, one fulfillment each, and the order keeps the window the buyer chose.
    """

    id: str
    type: Literal["Delivery", "Self-Pickup", "Buyer-Delivery"]
    category: str
    tat: str
    charge: Decimal
    tracking: bool
    slots: int = 0
    slot_length: str = "PT2H"


@dataclass(frozen=True)
class Menu:
    """An F&B menu section (a ``custom_menu`` category)."""

    id: str
    name: str
    description: str
    rank: int


@dataclass(frozen=True)
class CustomGroup:
    """An F&B customisation group: choose between ``minimum`` and ``maximum`` options."""

    id: str
    name: str
    minimum: int
    maximum: int
    seq: int


@dataclass(frozen=True)
class Item:
    """A catalogue entry: a sellable item, or a customisation option of one."""

    id: str
    name: str
    description: str
    price: Decimal
    mrp: Decimal
    category_id: str
    veg: bool = True
    kind: ItemKind = "item"
    menu_ids: tuple[str, ...] = ()
    custom_groups: tuple[str, ...] = ()
    parent_group: str | None = None
    default: bool = False
    child_groups: tuple[str, ...] = ()
    time_to_ship: str = "PT20M"
    tax_percent: Decimal = Decimal("5")
    available: int = 99
    maximum: int = 10
    unit: str = "unit"
    unit_value: str = "1"
    returnable: bool = False
    return_window: str = "PT1H"
    cancellable: bool = True
    seller_pickup_return: bool = False
    cod: bool = False
    ean: str | None = None
    packaged_commodities: dict[str, str] = field(default_factory=dict)
    prepackaged_food: dict[str, str] = field(default_factory=dict)

    @property
    def image(self) -> str:
        return f"{IMAGE_BASE}/{self.id}.png"


@dataclass(frozen=True)
class Provider:
    """A store on the marketplace, with its catalogue and charges."""

    id: str
    domain: str
    name: str
    description: str
    fssai_license_no: str
    pan: str
    consumer_care: str
    store: Store
    fulfillments: tuple[FulfillmentOption, ...]
    items: tuple[Item, ...]
    packing_charge: Decimal
    menus: tuple[Menu, ...] = ()
    custom_groups: tuple[CustomGroup, ...] = ()

    def item(self, item_id: object) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def fulfillment(self, fulfillment_id: object) -> FulfillmentOption | None:
        return next((f for f in self.fulfillments if f.id == fulfillment_id), None)

    def fulfillment_of_type(self, kind: object) -> FulfillmentOption | None:
        return next((f for f in self.fulfillments if f.type == kind), None)

    def custom_group(self, group_id: object) -> CustomGroup | None:
        return next((g for g in self.custom_groups if g.id == group_id), None)

    @property
    def category_ids(self) -> tuple[str, ...]:
        """The distinct ``category_id`` values of its items (one serviceability tag each)."""
        return tuple(dict.fromkeys(i.category_id for i in self.items))


@dataclass(frozen=True)
class Marketplace:
    """The seller app itself (the seller network participant), its terms and its bank."""

    name: str
    description: str
    gstin: str
    np_type: str
    court_jurisdiction: str
    beneficiary_name: str
    bank_name: str
    branch_name: str
    account_no: str
    ifsc: str
    providers: tuple[Provider, ...]

    @property
    def symbol(self) -> str:
        return f"{IMAGE_BASE}/marketplace.png"

    def providers_for(self, domain: object) -> tuple[Provider, ...]:
        return tuple(p for p in self.providers if p.domain == domain)

    def provider(self, provider_id: object) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.domain for p in self.providers))


PIZZERIA = Provider(
    id="P1",
    domain="ONDC:RET11",
    name="Bengaluru Pizza Co.",
    description="Wood-fired pizzas and sides, baked to order",
    fssai_license_no="11224333000123",
    pan="AAFCB1234K",
    consumer_care="Bengaluru Pizza Co.,care@bengalurupizza.example,18004250101",
    store=Store(
        id="L1", name="Bengaluru Pizza Co. Koramangala", gps="12.935200,77.624500",
        street="80 Feet Road", locality="Koramangala 4th Block", area_code="560034",
        phone="9886012345", email="koramangala@bengalurupizza.example",
        opens="1100", closes="2300"),
    fulfillments=(
        FulfillmentOption("F1", "Delivery", "Immediate Delivery", "PT45M", Decimal("40.00"),
                          tracking=True),
        FulfillmentOption("F2", "Self-Pickup", "Takeaway", "PT25M", Decimal("0.00"),
                          tracking=False),
    ),
    menus=(
        Menu("M1", "Pizzas", "Hand-stretched pizzas from the wood-fired oven", 1),
        Menu("M2", "Sides", "Breads and bites to share", 2),
    ),
    custom_groups=(
        CustomGroup("CG1", "Size (choose 1)", minimum=1, maximum=1, seq=1),
        CustomGroup("CG2", "Extra toppings (up to 2)", minimum=0, maximum=2, seq=2),
    ),
    items=(
        Item("I1", "Margherita Pizza", "San Marzano tomato, fresh mozzarella and basil",
             Decimal("199.00"), Decimal("199.00"), "F&B", menu_ids=("M1",),
             custom_groups=("CG1",), time_to_ship="PT20M"),
        Item("C1", "Regular (7 inch)", "Serves one", Decimal("50.00"), Decimal("50.00"),
             "F&B", kind="customization", parent_group="CG1", default=True,
             child_groups=("CG2",)),
        Item("C2", "Medium (10 inch)", "Serves two", Decimal("150.00"), Decimal("150.00"),
             "F&B", kind="customization", parent_group="CG1", child_groups=("CG2",)),
        Item("C3", "Extra Cheese", "A second layer of mozzarella", Decimal("45.00"),
             Decimal("45.00"), "F&B", kind="customization", parent_group="CG2"),
        Item("I2", "Garlic Breadsticks", "Six breadsticks with garlic butter and oregano",
             Decimal("129.00"), Decimal("129.00"), "F&B", menu_ids=("M2",),
             time_to_ship="PT15M"),
    ),
    packing_charge=Decimal("20.00"),
)

TIFFIN_HOUSE = Provider(
    id="P2",
    domain="ONDC:RET11",
    name="Udupi Tiffin House",
    description="South Indian breakfast since 1987",
    fssai_license_no="11224333000456",
    pan="AAGFU5678L",
    consumer_care="Udupi Tiffin House,hello@udupitiffin.example,18004250202",
    store=Store(
        id="L2", name="Udupi Tiffin House Indiranagar", gps="12.978400,77.640800",
        street="100 Feet Road", locality="Indiranagar", area_code="560038",
        phone="9886023456", email="indiranagar@udupitiffin.example",
        opens="0700", closes="2200"),
    fulfillments=(
        FulfillmentOption("F3", "Delivery", "Immediate Delivery", "PT40M", Decimal("30.00"),
                          tracking=True),
        FulfillmentOption("F4", "Self-Pickup", "Takeaway", "PT20M", Decimal("0.00"),
                          tracking=False),
    ),
    menus=(Menu("M3", "Breakfast", "Dosas, idlis and filter coffee", 1),),
    items=(
        Item("I3", "Masala Dosa", "Crisp dosa with potato palya, chutney and sambar",
             Decimal("90.00"), Decimal("90.00"), "F&B", menu_ids=("M3",),
             time_to_ship="PT15M", cod=True),
        Item("I4", "Filter Coffee", "Chicory-blend coffee with frothed milk",
             Decimal("40.00"), Decimal("40.00"), "F&B", menu_ids=("M3",),
             time_to_ship="PT10M", cod=True),
        # Packed to order, so it cannot be cancelled once confirmed (the non-cancellable flow).
        Item("I7", "Ghee Mysore Pak (250 g box)", "Fresh ghee Mysore pak, boxed to order",
             Decimal("180.00"), Decimal("180.00"), "F&B", menu_ids=("M3",),
             time_to_ship="PT10M", cancellable=False),
        # Two portions left today (the out-of-stock flow asks for more).
        Item("I8", "Rava Kesari", "Semolina halwa with saffron and cashew",
             Decimal("60.00"), Decimal("60.00"), "F&B", menu_ids=("M3",),
             time_to_ship="PT10M", available=2),
    ),
    packing_charge=Decimal("10.00"),
)

GROCERY = Provider(
    id="P3",
    domain="ONDC:RET10",
    name="Namma Grocery Mart",
    description="Everyday staples, delivered",
    fssai_license_no="11224333000789",
    pan="AAHCN9012M",
    consumer_care="Namma Grocery Mart,support@nammagrocery.example,18004250303",
    store=Store(
        id="L3", name="Namma Grocery Mart Jayanagar", gps="12.925000,77.593800",
        street="11th Main Road", locality="Jayanagar 4th Block", area_code="560011",
        phone="9886034567", email="jayanagar@nammagrocery.example",
        opens="0800", closes="2200", radius_km="4"),
    fulfillments=(
        FulfillmentOption("F5", "Delivery", "Same Day Delivery", "PT4H", Decimal("25.00"),
                          tracking=True, slots=2),
        FulfillmentOption("F6", "Self-Pickup", "Takeaway", "PT45M", Decimal("0.00"),
                          tracking=False),
        FulfillmentOption("F7", "Buyer-Delivery", "Immediate Delivery", "PT45M",
                          Decimal("0.00"), tracking=False),
    ),
    items=(
        Item("I5", "Aashirvaad Whole Wheat Atta 5 kg", "100% whole wheat chakki atta",
             Decimal("290.00"), Decimal("315.00"), "Atta, Flours and Sooji",
             time_to_ship="PT30M", tax_percent=Decimal("0"), unit="kilogram", unit_value="5",
             returnable=True, return_window="P2D", seller_pickup_return=True,
             ean="8901725180003",
             packaged_commodities={
                 "manufacturer_or_packer_name": "ITC Limited",
                 "manufacturer_or_packer_address":
                     "ITC Limited, 37 J.L. Nehru Road, Kolkata 700071",
                 "common_or_generic_name_of_commodity": "Whole Wheat Atta",
                 "net_quantity_or_measure_of_commodity_in_pkg": "5 kg",
                 "month_year_of_manufacture_packing_import": "11/2024",
             },
             prepackaged_food={
                 "nutritional_info": "Energy(kcal)-(per 100g) 364;Protein(g)-(per 100g) 12",
                 "additives_info": "None",
                 "brand_owner_FSSAI_license_no": "10012031000312",
                 "other_FSSAI_license_no": "10012031000312",
                 "importer_FSSAI_license_no": "10012031000312",
             }),
        Item("I6", "Tata Sampann Unpolished Toor Dal 1 kg", "Unpolished arhar dal",
             Decimal("189.00"), Decimal("210.00"), "Dals and Pulses",
             time_to_ship="PT30M", tax_percent=Decimal("0"), unit="kilogram", unit_value="1",
             returnable=True, return_window="P2D", seller_pickup_return=True,
             ean="8904725200108",
             packaged_commodities={
                 "manufacturer_or_packer_name": "Tata Consumer Products Limited",
                 "manufacturer_or_packer_address":
                     "Tata Consumer Products Limited, 1 Bishop Lefroy Road, Kolkata 700020",
                 "common_or_generic_name_of_commodity": "Toor Dal",
                 "net_quantity_or_measure_of_commodity_in_pkg": "1 kg",
                 "month_year_of_manufacture_packing_import": "10/2024",
             },
             prepackaged_food={
                 "nutritional_info": "Energy(kcal)-(per 100g) 343;Protein(g)-(per 100g) 22",
                 "additives_info": "None",
                 "brand_owner_FSSAI_license_no": "10014064000296",
                 "other_FSSAI_license_no": "10014064000296",
                 "importer_FSSAI_license_no": "10014064000296",
             }),
    ),
    packing_charge=Decimal("5.00"),
)

MARKETPLACE = Marketplace(
    name="ONDC Harness Reference Market",
    description="The embedded reference seller app of ondc-harness",
    gstin="29AAECR4321H1ZF",
    np_type="MSN",
    court_jurisdiction="Bengaluru",
    beneficiary_name="Reference Market Private Limited",
    bank_name="State Bank of India",
    branch_name="Koramangala",
    account_no="30211234567",
    ifsc="SBIN0001234",
    providers=(PIZZERIA, TIFFIN_HOUSE, GROCERY),
)

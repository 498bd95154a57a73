"""A Shopify clean-skincare brand (cleansers, serums, moisturizers, masks, sunscreen, body care)."""

from __future__ import annotations

from shopkeeper.store.demo.catalogs.reviews_en import BEAUTY as REVIEWS
from shopkeeper.store.demo.catalogs.spec import CategorySpec, Option, ProductLine

_SKIN = Option("skin", "Skin type", ("All Skin Types", "Oily Skin", "Dry Skin", "Sensitive Skin"))

LINES: tuple[ProductLine, ...] = (
    ProductLine(
        category="Skincare/Cleansers",
        title="{brand} {kind} Face Cleanser for {skin}, Fragrance Free",
        options=(
            Option(
                "kind", "Type", ("Gentle Foaming", "Cream", "Gel", "Oil-to-Milk", "Enzyme Powder")
            ),
            _SKIN,
        ),
        variants=(("4 fl oz", 1.0), ("8 fl oz", 1.6)),
        variant_label="Size",
        price=(16, 26),
        weight=16,
        keywords=(
            "face wash",
            "gentle cleanser",
            "face cleanser for sensitive skin",
            "foaming cleanser",
        ),
        longtail="{kind} cleanser",
        short_title="Cleanser",
        review_group="care",
        shelf_life_days=1095,
        lead_time=(10, 21),
    ),
    ProductLine(
        category="Skincare/Serums",
        title="{brand} {kind} Serum, {effect}, 1 fl oz",
        options=(
            Option(
                "kind",
                "Key ingredient",
                (
                    "Vitamin C 15%",
                    "Niacinamide 10%",
                    "Hyaluronic Acid",
                    "Retinal 0.1%",
                    "Peptide",
                    "Azelaic Acid",
                ),
            ),
            Option(
                "effect", "Benefit", ("Brightening", "Anti-Aging", "Hydrating", "Pore Refining")
            ),
        ),
        variants=(("1 fl oz", 1.0), ("2 fl oz", 1.7)),
        variant_label="Size",
        price=(24, 48),
        weight=20,
        keywords=(
            "vitamin c serum",
            "niacinamide serum",
            "face serum",
            "anti aging serum",
            "hyaluronic acid serum",
        ),
        longtail="{kind} serum",
        short_title="Serum",
        review_group="serum",
        shelf_life_days=730,
        lead_time=(10, 21),
    ),
    ProductLine(
        category="Skincare/Moisturizers",
        title="{brand} {kind} Moisturizer, {effect}, 1.7 oz",
        options=(
            Option(
                "kind",
                "Type",
                ("Ceramide Barrier", "Whipped Gel", "Rich Night", "Squalane Daily", "Oil-Free"),
            ),
            Option("effect", "Benefit", ("Barrier Repair", "Deep Hydration", "Calming", "Firming")),
        ),
        variants=(("1.7 oz", 1.0), ("3.4 oz", 1.7)),
        variant_label="Size",
        price=(22, 42),
        weight=14,
        keywords=("moisturizer", "face moisturizer", "night cream", "barrier repair cream"),
        longtail="{kind} moisturizer",
        short_title="Cream",
        review_group="care",
        shelf_life_days=1095,
        lead_time=(10, 21),
        season=-0.25,
    ),
    ProductLine(
        category="Skincare/Masks",
        title="{brand} {kind} Sheet Masks, {effect}",
        options=(
            Option(
                "kind", "Type", ("Hyaluronic", "Centella", "Green Tea", "Rice Water", "Collagen")
            ),
            Option("effect", "Benefit", ("Hydrating", "Soothing", "Glow")),
        ),
        variants=(("5 pack", 1.0), ("10 pack", 1.8), ("30 pack", 4.4)),
        variant_label="Pack",
        price=(12, 20),
        weight=14,
        keywords=("sheet mask", "face mask", "hydrating sheet mask", "korean sheet mask"),
        longtail="{kind} sheet mask",
        short_title="Masks",
        review_group="mask",
        shelf_life_days=730,
        lead_time=(7, 14),
    ),
    ProductLine(
        category="Skincare/Sunscreen",
        title="{brand} {kind} Sunscreen SPF 50, Broad Spectrum, No White Cast",
        options=(
            Option(
                "kind", "Type", ("Mineral", "Tinted Mineral", "Sheer Fluid", "Sport", "Daily Gel")
            ),
        ),
        variants=(("1.7 fl oz", 1.0), ("2-pack", 1.8)),
        variant_label="Size",
        price=(18, 34),
        weight=12,
        keywords=("mineral sunscreen", "sunscreen spf 50", "face sunscreen", "tinted sunscreen"),
        longtail="{kind} sunscreen",
        short_title="SPF",
        review_group="care",
        shelf_life_days=1095,
        lead_time=(10, 21),
        season=0.3,
    ),
    ProductLine(
        category="Body/Body Care",
        title="{brand} {scent} Body Lotion, {effect}, 12 fl oz",
        options=(
            Option("scent", "Scent", ("White Tea", "Fig & Cedar", "Coconut Vanilla", "Unscented")),
            Option("effect", "Benefit", ("Smoothing AHA", "Deep Moisture", "Firming")),
        ),
        variants=(("12 fl oz", 1.0), ("2-pack", 1.8)),
        variant_label="Size",
        price=(16, 28),
        weight=10,
        keywords=("body lotion", "moisturizing body lotion", "aha body lotion", "unscented lotion"),
        longtail="{scent} body lotion",
        short_title="Lotion",
        review_group="care",
        shelf_life_days=1095,
        lead_time=(10, 21),
        season=-0.3,
    ),
)

SPEC = CategorySpec(
    key="beauty",
    lang="en",
    store_name="Fernwell Skincare",
    brand="Fernwell",
    own_shop="Fernwell on Amazon",
    platform="shopify",
    currency="USD",
    timezone="America/New_York",
    lines=LINES,
    competitor_shops=("Lumina Botanics", "Clearwater Skin Lab", "Petal & Pine", "Bare Theory"),
    audiences=(
        "Skincare enthusiasts",
        "Past purchasers",
        "Lookalike 1%",
        "Sensitive skin",
        "Cart abandoners",
    ),
    reviews=REVIEWS,
    burst_topic="irritation",
    burst_texts=(
        "Caused burning and redness on first use",
        "Broke out in a rash, had to stop using it",
        "Stung so badly I had to wash it off",
        "Irritated my skin, red bumps everywhere",
        "This batch burns, my old bottle never did",
        "Severe irritation, do not recommend",
    ),
    taste_reason="Skin reaction / not suitable",
)

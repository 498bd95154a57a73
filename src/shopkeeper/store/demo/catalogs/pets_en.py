"""A Shopify pet store (cat food, dog food, cat litter, treats): SKUs vary by flavour and size.

Each listing's SKUs are the grid of its line's flavours and sizes — ``Salmon / 4 lb`` — as a
Shopify variant title shows them, and ``attributes`` names both options.
"""

from __future__ import annotations

from shopkeeper.store.demo.catalogs.spec import (
    CategorySpec,
    Option,
    ProductLine,
    ReviewBank,
    variant_grid,
)

REVIEWS = {
    "food": ReviewBank(
        good=(
            "My cats love it, they come running when I open the bag",
            "Kibble size is perfect for my kitten",
            "Coat is noticeably shinier after a month",
            "No more upset stomach since we switched",
            "The salmon flavour is a hit in our house",
            "Resealable bag keeps it fresh",
            "My picky dog finally eats all his food",
        ),
        mid=(
            "Took a while for my cat to accept it",
            "Smells quite strong, but the cat eats it",
            "Kibble is a bit big for a small dog",
            "Good food, a little pricey",
        ),
        bad=(
            "My cat threw up after every meal",
            "Gave my dog diarrhea, had to stop",
            "Bag was full of crumbs and dust",
            "Smelled rancid when I opened it",
        ),
    ),
    "litter": ReviewBank(
        good=(
            "Clumps fast and scoops clean",
            "Really controls the odor",
            "Almost no dust when pouring",
            "Flushable, so convenient",
        ),
        mid=("Odor control is just okay", "Tracks a bit around the box", "Clumps are a bit soft"),
        bad=("So dusty my cat sneezes", "Clumps fall apart when scooping", "Strong perfume smell"),
    ),
    "treat": ReviewBank(
        good=(
            "My cat goes crazy for these",
            "Great for hiding pills",
            "Real meat, no fillers",
            "Single-serve packs are handy",
        ),
        mid=(
            "A bit runny and messy",
            "Cat is only mildly interested",
            "Smaller packs than expected",
        ),
        bad=("Made my cat vomit", "Found something hard inside", "Smelled off when opened"),
    ),
}

_CAT = ("Salmon", "Chicken", "Tuna")
_DOG = ("Beef", "Chicken", "Lamb")
_BENEFIT = Option(
    "benefit", "Benefit", ("High Protein", "Hairball Control", "Sensitive Stomach", "Skin & Coat")
)

LINES: tuple[ProductLine, ...] = (
    ProductLine(
        category="Pets/Cat Food",
        title="{brand} {formula} {stage} Cat Food, {benefit}",
        options=(
            Option("stage", "Life Stage", ("Adult", "Kitten", "All Life Stages", "Senior")),
            Option(
                "formula",
                "Formula",
                ("Grain-Free", "Freeze-Dried Coated", "Fresh Meat", "Limited Ingredient"),
            ),
            _BENEFIT,
        ),
        variants=variant_grid(_CAT, (("4 lb", 1.0), ("12 lb", 2.6), ("25 lb", 4.8)), sep=" / "),
        variant_label="Flavor / Size",
        variant_axes=("Flavor", "Size"),
        price=(14, 32),
        weight=34,
        keywords=(
            "cat food",
            "grain free cat food",
            "kitten food",
            "dry cat food",
            "healthy cat food",
        ),
        longtail="{formula} {stage} cat food",
        short_title="Cat Food",
        review_group="food",
        shelf_life_days=540,
        lead_time=(7, 14),
    ),
    ProductLine(
        category="Pets/Dog Food",
        title="{brand} {formula} {size} {stage} Dog Food, {benefit}",
        options=(
            Option("size", "Breed Size", ("Small Breed", "Large Breed", "All Breeds")),
            Option("stage", "Life Stage", ("Puppy", "Adult")),
            Option(
                "formula",
                "Formula",
                ("Grain-Free", "Fresh Meat", "Freeze-Dried", "Limited Ingredient"),
            ),
            _BENEFIT,
        ),
        variants=variant_grid(_DOG, (("5 lb", 1.0), ("15 lb", 2.6), ("30 lb", 4.6)), sep=" / "),
        variant_label="Flavor / Size",
        variant_axes=("Flavor", "Size"),
        price=(15, 35),
        weight=24,
        keywords=("dog food", "puppy food", "grain free dog food", "small breed dog food"),
        longtail="{size} {stage} dog food",
        short_title="Dog Food",
        review_group="food",
        shelf_life_days=540,
        lead_time=(7, 14),
    ),
    ProductLine(
        category="Pets/Cat Litter",
        title="{brand} {kind} Cat Litter, {scent}, {feature}",
        options=(
            Option("kind", "Material", ("Tofu", "Clumping Clay", "Pine", "Walnut Shell")),
            Option(
                "scent", "Scent", ("Unscented", "Fresh Scent", "Lavender", "Activated Charcoal")
            ),
            Option("feature", "Feature", ("Low Dust", "Fast Clumping", "Odor Control")),
        ),
        variants=variant_grid(
            (("10 lb", 1.0), ("20 lb", 1.8)), (("1 Bag", 1.0), ("3 Bags", 2.8)), sep=" / "
        ),
        variant_label="Size / Pack",
        variant_axes=("Size", "Pack"),
        price=(9, 22),
        weight=22,
        keywords=("cat litter", "clumping cat litter", "tofu cat litter", "low dust litter"),
        longtail="{kind} cat litter {scent}",
        short_title="Litter",
        review_group="litter",
        lead_time=(5, 10),
    ),
    ProductLine(
        category="Pets/Cat Treats",
        title="{brand} {kind} Cat Treats for {who}",
        options=(
            Option(
                "kind",
                "Type",
                (
                    "Lickable Puree",
                    "Freeze-Dried Bites",
                    "Crunchy Treats",
                    "Jerky Strips",
                    "Dental Chews",
                ),
            ),
            Option("who", "Life Stage", ("Kittens", "Adult Cats", "All Cats")),
        ),
        variants=variant_grid(_CAT, (("20 ct", 1.0), ("50 ct", 2.2)), sep=" / "),
        variant_label="Flavor / Count",
        variant_axes=("Flavor", "Count"),
        price=(7, 18),
        weight=20,
        keywords=("cat treats", "lickable cat treats", "freeze dried cat treats", "cat snacks"),
        longtail="{kind} cat treats",
        short_title="Treats",
        review_group="treat",
        shelf_life_days=365,
        lead_time=(5, 12),
    ),
)

SPEC = CategorySpec(
    key="pets",
    lang="en",
    store_name="Whisker & Wag Pet Supply",
    brand="Whisker & Wag",
    own_shop="Whisker & Wag on Amazon",
    platform="shopify",
    currency="USD",
    timezone="America/Los_Angeles",
    lines=LINES,
    competitor_shops=(
        "Pawsome Provisions",
        "Tailwind Pet Co.",
        "Happy Hound Supply",
        "Purrfect Pantry",
    ),
    audiences=(
        "Cat owners",
        "Past purchasers",
        "Lookalike 1%",
        "New pet parents",
        "Cart abandoners",
    ),
    reviews=REVIEWS,
    burst_topic="damaged bag",
    burst_texts=(
        "Bag arrived ripped, food all over the box",
        "The bag was torn and half the litter spilled",
        "Box crushed and the bag split open",
        "Second time the bag arrived damaged",
        "Torn bag, the food got wet",
        "Packaging was damaged, kibble everywhere",
    ),
    taste_reason="My pet didn't like it",
)

"""English review sentences about products, per category family and review group, by rating."""

from __future__ import annotations

from shopkeeper.store.demo.catalogs.spec import ReviewBank

COFFEE = {
    "bean": ReviewBank(
        good=(
            "Super fresh, roasted just a few days before it arrived",
            "Chocolatey and smooth with a sweet finish",
            "Bright and fruity, amazing as a pour over",
            "Makes a great latte, lovely crema",
            "Best beans I've had in a long time",
            "Low acidity and very balanced",
            "Rich aroma the moment you open the bag",
        ),
        mid=(
            "Decent but not as flavorful as I hoped",
            "A bit too dark for my taste",
            "Good coffee, a little pricey",
        ),
        bad=(
            "Tasted stale, like it sat on a shelf for months",
            "Very bitter and burnt",
            "Flat and flavorless, not as described",
        ),
    ),
    "drink": ReviewBank(
        good=(
            "Great with oat milk over ice",
            "So convenient for busy mornings",
            "Smooth, not acidic at all",
            "Tastes like cafe cold brew",
            "Pods work perfectly in my brewer",
        ),
        mid=(
            "A little weak for me",
            "Flavor is okay, nothing special",
            "Good but I need two pods per cup",
        ),
        bad=(
            "Had a weird aftertaste",
            "Several pods leaked grounds into the cup",
            "Way too watery",
        ),
    ),
    "tea": ReviewBank(
        good=(
            "Beautiful aroma and flavor",
            "Perfect cup every time",
            "Love the tin, keeps it fresh",
            "My new evening favorite",
        ),
        mid=("Flavor is a bit mild", "Nice but not very strong", "Okay, I've had better"),
        bad=("Tastes artificial", "Lots of dust in the bottom", "Barely any flavor"),
    ),
    "gear": ReviewBank(
        good=(
            "Well made and feels solid",
            "Pours beautifully, total game changer",
            "Grind is very consistent",
            "Looks great on the counter",
            "Easy to clean",
        ),
        mid=(
            "Works fine but a bit heavy",
            "Color is slightly different from the photos",
            "Instructions could be clearer",
        ),
        bad=(
            "Stopped working after a week",
            "Arrived scratched, poor quality",
            "Lid doesn't fit properly",
        ),
    ),
}


SNACKS = {
    "nut": ReviewBank(
        good=(
            "Fresh and crunchy",
            "Perfectly salted, addictive",
            "Great for lunch boxes",
            "Big whole nuts, very few broken",
            "Tastes fresh, no bitterness",
        ),
        mid=("A bit too salty", "Some pieces were broken", "Good but pricey"),
        bad=("Tasted rancid", "Soft and stale", "Mostly broken pieces and dust"),
    ),
    "meat": ReviewBank(
        good=(
            "Tender and full of flavor",
            "Great protein snack for hiking",
            "Not too salty, just right",
        ),
        mid=("A little tough", "Too sweet for me", "Okay flavor"),
        bad=("Way too salty", "Dry and chewy like leather", "Odd aftertaste"),
    ),
    "fruit": ReviewBank(
        good=(
            "Naturally sweet and chewy",
            "Kids love these",
            "Crunchy and full of flavor",
            "No added sugar and still delicious",
        ),
        mid=("A bit dry", "Smaller bag than expected", "Fine, nothing special"),
        bad=("Hard as rocks", "Several pieces were discolored", "Sour and bitter"),
    ),
    "puffed": ReviewBank(
        good=("So crunchy", "Family favorite", "Great flavor, not greasy"),
        mid=("Lots of broken chips", "A bit bland", "Fine"),
        bad=("Crushed to crumbs", "Half air", "Tasted off"),
    ),
}


BEAUTY = {
    "care": ReviewBank(
        good=(
            "So gentle, no irritation at all",
            "Absorbs quickly, not greasy",
            "My skin has never felt softer",
            "Works great under makeup",
            "Perfect for my sensitive skin",
        ),
        mid=(
            "Nice but didn't see a big difference",
            "A bit heavy for summer",
            "Okay, pump is a little stiff",
        ),
        bad=("Broke me out", "Pills under makeup", "Smell is too strong"),
    ),
    "serum": ReviewBank(
        good=(
            "Dark spots fading after a few weeks",
            "Lightweight and absorbs fast",
            "Visible glow",
            "Holy grail serum, on my third bottle",
        ),
        mid=("Not sure it's doing much yet", "A little sticky", "Pricey for the size"),
        bad=(
            "Stung and left my face red",
            "Caused clogged pores",
            "Oxidized quickly, turned orange",
        ),
    ),
    "mask": ReviewBank(
        good=("Soaked in serum, so hydrating", "Fits my face well", "Skin looks plump afterwards"),
        mid=("A bit too big for my face", "Not much serum", "Fine"),
        bad=("Made my face itchy", "Mask was almost dry", "Strong alcohol smell"),
    ),
}

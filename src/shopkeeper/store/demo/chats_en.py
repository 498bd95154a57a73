"""English customer-service chat scripts (pre-sale, where is my order, address, returns, damage)."""

from __future__ import annotations

from shopkeeper.store.demo.locale import Chat

CHATS: tuple[Chat, ...] = (
    Chat(
        "presale_attr",
        "presale",
        3.0,
        (
            ("customer", "Hi! What's the {k} of the {item}?"),
            ("bot", "Hi there! The {k} is {v}. Anything else I can help with?"),
            ("customer", "Great, thanks!"),
        ),
    ),
    Chat(
        "presale_attr",
        "presale",
        2.0,
        (
            ("customer", "Hello, quick question about the {item}"),
            ("bot", "Hi! Happy to help - what would you like to know?"),
            ("customer", "What {k} is it?"),
            ("agent", "It's {v}. Let me know if you have other questions!"),
            ("customer", "Perfect, ordering now"),
        ),
    ),
    Chat(
        "ship_time",
        "presale",
        2.0,
        (
            ("customer", "If I order today, when will it ship?"),
            (
                "bot",
                "Orders placed before 2pm ship the same day, and every order ships within 48 hours.",
            ),
            ("customer", "Which carrier do you use?"),
            ("agent", "Usually {carrier}, depending on your location."),
            ("customer", "Thanks"),
        ),
    ),
    Chat(
        "coupon",
        "presale",
        2.0,
        (
            ("customer", "Do you have any discount codes?"),
            ("bot", "Yes! Use WELCOME10 for 10% off your first order."),
            ("customer", "Awesome, thank you"),
        ),
    ),
    Chat(
        "urge",
        "paid",
        3.0,
        (
            ("customer", "Hi, my order {order} hasn't shipped yet?"),
            ("bot", "Thanks for reaching out! Your order {order} is being packed."),
            ("customer", "I need it by the weekend, can you hurry?"),
            (
                "agent",
                "Sorry for the wait! I've flagged it with the warehouse and it will ship today.",
            ),
        ),
    ),
    Chat(
        "address",
        "paid",
        1.5,
        (
            ("customer", "I entered the wrong address, can you change it?"),
            ("agent", "Sure, it hasn't shipped yet. What's the correct address?"),
            ("customer", "Please ship to {city} {district} instead, same phone"),
            ("agent", "Done! The address is updated on your order."),
        ),
    ),
    Chat(
        "logistics",
        "shipped",
        2.5,
        (
            ("customer", "Where is my package?"),
            (
                "bot",
                "Your order shipped with {carrier}, tracking number {tracking}. It should arrive in 2-5 days.",
            ),
            ("customer", "Ok thanks"),
        ),
    ),
    Chat(
        "return",
        "delivered",
        2.0,
        (
            ("customer", "Can I return the {item}? Not really for me"),
            (
                "agent",
                "Of course - we accept returns within 30 days. I've emailed you a prepaid label.",
            ),
            ("customer", "Thank you!"),
        ),
    ),
    Chat(
        "damage",
        "delivered",
        1.0,
        (
            ("customer", "My order arrived damaged"),
            ("agent", "I'm so sorry! Could you send a photo of the damage?"),
            ("customer", "[photo]"),
            ("agent", "Thank you - a replacement is on its way at no charge."),
        ),
    ),
    Chat(
        "invoice",
        "delivered",
        1.0,
        (
            ("customer", "Can I get an itemized receipt for my company?"),
            ("bot", "Sure! You can download it from the order status page."),
            ("customer", "Got it"),
        ),
    ),
)

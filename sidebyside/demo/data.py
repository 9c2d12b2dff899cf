"""The demo programme, as plain data. All people are fictional."""

from __future__ import annotations

import datetime
from typing import Any

PROGRAMME = {
    "name": "Cambridgeshire & Peterborough Co-production",
    "area": "Cambridgeshire and Peterborough",
    "description": (
        "Five local hubs where experts by experience of multiple disadvantage and experts by "
        "profession pick the problems in the system that matter most, look into them together, "
        "act, and learn."
    ),
}

MANAGER = {"email": "manager@example.org", "full_name": "Alex Morgan", "expertise": "profession"}
LEADER = {"email": "director@example.org", "full_name": "Priya Natarajan", "expertise": "profession"}

ORGANISATIONS = [
    ("Cambridgeshire County Council", "council", "https://www.example.org/county-council"),
    ("Peterborough City Council", "council", ""),
    ("Cambridgeshire and Peterborough NHS Foundation Trust", "nhs", ""),
    ("Cambridgeshire Constabulary", "police", ""),
    ("Probation Service, East of England", "probation", ""),
    ("Fenland Housing Trust", "housing", ""),
    ("Open Door Peer Network", "peer_led", ""),
    ("Riverside Recovery", "charity", ""),
]

# name, locality, stage, started_on, usual format, description, areas of work,
# (experts by experience, experts by profession), gatherings plan
HUBS: list[dict[str, Any]] = [
    {
        "name": "Cambridge & South",
        "locality": "Cambridge and South Cambridgeshire",
        "stage": "established",
        "started_on": datetime.date(2018, 4, 12),
        "usual_format": "monthly_meeting",
        "description": (
            "The longest-running hub. A monthly meeting of up to 20 people, most of them experts "
            "by experience, with staff from local services."
        ),
        "areas_of_work": [
            "Getting health care without a fixed address",
            "Trusted Person approach",
            "Digital inclusion",
            "Buddy system for board meetings",
            "Challenging stigma: the film",
            "Trauma-informed services",
        ],
        "people": (14, 6),
        "gatherings": {
            "kind": "meeting",
            "title": "Monthly meeting",
            "every_months": 1,
            "venue": "Mill Road community room",
            "address": "12 Mill Road, Cambridge",
            "accessibility": "Step-free entrance. Accessible toilet. Quiet room next door.",
            "food": "Lunch provided",
        },
    },
    {
        "name": "Peterborough",
        "locality": "Peterborough",
        "stage": "started",
        "started_on": datetime.date(2023, 3, 16),
        "usual_format": "drop_in",
        "description": "Drop-in workshops at different places in the city, with food and time to talk.",
        "areas_of_work": ["Being listened to at the GP surgery"],
        "people": (11, 4),
        "gatherings": {
            "kind": "drop_in",
            "title": "Drop-in workshop",
            "every_months": 2,
            "venue": "Various places in the city",
            "address": "Details with each invitation",
            "accessibility": "Ask us about access at each place.",
            "food": "Tea and biscuits",
        },
    },
    {
        "name": "East Cambs",
        "locality": "Ely and Littleport",
        "stage": "started",
        "started_on": datetime.date(2023, 9, 21),
        "usual_format": "small_sessions",
        "description": "Small sessions in Ely and Littleport to find out what people face.",
        "areas_of_work": [],
        "people": (2, 3),
        "gatherings": {
            "kind": "workshop",
            "title": "Local session",
            "every_months": 3,
            "venue": "Ely town hall",
            "address": "Market Street, Ely",
            "accessibility": "Step-free entrance by the side door. Hearing loop.",
            "food": "Tea, coffee and sandwiches",
        },
    },
    {
        "name": "Wisbech",
        "locality": "Wisbech and Fenland",
        "stage": "planning",
        "started_on": None,
        "usual_format": "drop_in",
        "description": "Services that know local experts are planning the first drop-in together.",
        "areas_of_work": [],
        "people": (0, 3),
        "gatherings": None,
    },
    {
        "name": "Huntingdon",
        "locality": "Huntingdonshire",
        "stage": "pre_planning",
        "started_on": None,
        "usual_format": "not_decided",
        "description": "Several local experts have said they are interested. Plans wait for a co-production manager.",
        "areas_of_work": [],
        "people": (0, 0),
        "gatherings": None,
    },
]

FIRST_NAMES = [
    "Jo",
    "Dev",
    "Kerry",
    "Marcus",
    "Aisha",
    "Tom",
    "Bev",
    "Ryan",
    "Sian",
    "Lee",
    "Nadia",
    "Craig",
    "Hannah",
    "Wes",
    "Mo",
    "Tina",
    "Gary",
    "Leanne",
    "Ola",
    "Pete",
    "Rosa",
    "Dan",
    "Shaz",
    "Kim",
    "Ian",
    "Becky",
    "Femi",
    "Jade",
    "Stu",
    "Maggie",
    "Callum",
    "Yas",
    "Neil",
    "Donna",
    "Ash",
    "Eileen",
]
LAST_NAMES = [
    "Archer",
    "Baines",
    "Clarke",
    "Doyle",
    "Ellis",
    "Foster",
    "Grant",
    "Hughes",
    "Irving",
    "Jarvis",
    "Kemp",
    "Lowe",
    "Mills",
    "Nash",
    "Osei",
    "Parry",
    "Quinn",
    "Rowe",
    "Shah",
    "Tait",
    "Usher",
    "Vance",
    "Walsh",
    "Yates",
]

# People records. Phone numbers are in Ofcom's range kept for drama (07700 900000–900999).
SUPPORT_EXAMPLES: list[tuple[list[str], str]] = [
    (["step_free", "breaks"], "Uses a walking stick; a chair near the door helps."),
    (["phone_reminders", "companion"], "Likes a call the day before. Comes with their support worker."),
    (["quiet_room", "easy_read"], ""),
    (["interpreter"], "Polish interpreter for longer meetings."),
    (["large_print", "travel"], "Bus fare from Wisbech."),
]

ABOUT_EXAMPLE = {
    "about_communication": "Text me first. I don't always pick up calls from numbers I don't know.",
    "about_know": "I have been where a lot of people in the room are now. I want services to listen.",
    "about_counted_on": "Making the tea, and saying the thing nobody else wants to say.",
    "about_learn": "How to chair a meeting.",
}

PLAN_EXAMPLE = {
    "interests": "Cooking, football, the allotment.",
    "skills_have": "Talking to people who are new. Knowing how the housing system works from the inside.",
    "skills_want": "Speaking at board meetings.",
    "know": "What it is like to sofa-surf for a year.",
    "want_to_learn": "How council budgets are decided.",
    "involvement": "Monthly meeting, and the working group on GP registration.",
    "availability": "Weekday afternoons. Not Mondays (appointment).",
    "good_day": "Chatty, full of ideas, will happily welcome newcomers.",
    "bad_day": "Quiet, may leave early.",
    "struggling_signs": "Stops replying to texts; misses two meetings in a row.",
    "what_helps": "A short message from my buddy. Being given one small job.",
    "what_does_not_help": "Being asked lots of questions in front of the group.",
}

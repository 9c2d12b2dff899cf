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
# A partner's lead for the NHS trust, who owns and updates the trust's actions.
PARTNER_LEADER = {
    "email": "partnerships.nhs@example.org",
    "full_name": "Owen Adeyemi",
    "expertise": "profession",
}
PARTNER_ORGANISATION = "Cambridgeshire and Peterborough NHS Foundation Trust"

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

# --- The loop: what people said, the themes it became, enquiries, actions and updates ------------
# Each contribution: hub, the library question it answers (by its opening words), the words, the
# theme it is in (or None), and whether a named member wrote it (else it came anonymously on paper
# or from a phone). Written for the demo, in the spirit of the seeds' reflection exercises.
PROMPT_GOT_IN_THE_WAY = "What has got in the way"
PROMPT_ANNOYED = "What has annoyed you"
PROMPT_ONE_THING = "If you could tell the people in charge"
PROMPT_TRY_NEXT = "What should we try next"

THEMES = {
    "GP registration without an address": (
        "Being turned away by GP surgeries for having no fixed address or no ID.",
        "red",
    ),
    "Being listened to": ("Feeling heard, believed and treated as an equal by staff.", "blue"),
    "Phones and data": ("Needing a working phone, credit and data to reach services.", "green"),
    "Stigma": ("How people are judged for their past, and what changes it.", "purple"),
}

CONTRIBUTIONS: list[tuple[str, str, str, str | None, bool]] = [
    (
        "Cambridge & South",
        PROMPT_ANNOYED,
        "The surgery said they could not register me without proof of address. I was sleeping in a tent.",
        "GP registration without an address",
        True,
    ),
    (
        "Cambridge & South",
        PROMPT_ANNOYED,
        "Reception asked for two kinds of ID in front of the whole waiting room.",
        "GP registration without an address",
        True,
    ),
    (
        "Cambridge & South",
        PROMPT_ONE_THING,
        "Everyone has a right to a GP. Tell the receptionists that.",
        "GP registration without an address",
        False,
    ),
    (
        "Cambridge & South",
        PROMPT_GOT_IN_THE_WAY,
        "I ended up in A&E for things a GP could have sorted weeks before.",
        "GP registration without an address",
        True,
    ),
    (
        "Cambridge & South",
        PROMPT_ONE_THING,
        "Talk to us like people, not like a case number.",
        "Being listened to",
        True,
    ),
    (
        "Cambridge & South",
        PROMPT_ANNOYED,
        "I told my story three times to three workers and nobody wrote it down.",
        "Being listened to",
        False,
    ),
    (
        "Cambridge & South",
        PROMPT_TRY_NEXT,
        "Have one person I can trust who knows my story and speaks up for me.",
        "Being listened to",
        True,
    ),
    (
        "Cambridge & South",
        PROMPT_GOT_IN_THE_WAY,
        "My phone got cut off so I missed the letter about my appointment.",
        "Phones and data",
        True,
    ),
    (
        "Cambridge & South",
        PROMPT_TRY_NEXT,
        "Free wifi and somewhere to charge a phone at every drop-in.",
        "Phones and data",
        False,
    ),
    (
        "Cambridge & South",
        PROMPT_ONE_THING,
        "Do not judge someone on what is in their file from ten years ago.",
        "Stigma",
        True,
    ),
    (
        "Cambridge & South",
        PROMPT_TRY_NEXT,
        "Put people with lived experience in staff training, not just in posters.",
        "Stigma",
        False,
    ),
    (
        "Cambridge & South",
        PROMPT_TRY_NEXT,
        "Meetings straight after lunch would be easier for people on medication.",
        None,
        True,
    ),
    (
        "Peterborough",
        PROMPT_ANNOYED,
        "The GP practice sent me to the council and the council sent me back.",
        "GP registration without an address",
        True,
    ),
    (
        "Peterborough",
        PROMPT_GOT_IN_THE_WAY,
        "You can only book by phone at eight in the morning. I have no credit then.",
        "Phones and data",
        True,
    ),
    (
        "Peterborough",
        PROMPT_ONE_THING,
        "Come to the drop-in yourself and hear it from us.",
        "Being listened to",
        False,
    ),
    (
        "Peterborough",
        PROMPT_ANNOYED,
        "Staff looked at me like I was going to steal something.",
        "Stigma",
        True,
    ),
    (
        "Peterborough",
        PROMPT_TRY_NEXT,
        "A card that explains your rights that you can show at reception.",
        "GP registration without an address",
        False,
    ),
    (
        "Peterborough",
        PROMPT_GOT_IN_THE_WAY,
        "Everything is online now and the library computers are always booked.",
        "Phones and data",
        False,
    ),
    (
        "East Cambs",
        PROMPT_GOT_IN_THE_WAY,
        "The bus to Ely only runs twice a day so I miss appointments.",
        None,
        True,
    ),
    (
        "East Cambs",
        PROMPT_ONE_THING,
        "Small towns get forgotten. Ask us what we need.",
        "Being listened to",
        False,
    ),
]

# Enquiries: title, framing, stage, hubs, partner organisations, themes as evidence, the questions,
# and for later stages what was found, decided, changed and learned.
ENQUIRIES: list[dict[str, Any]] = [
    {
        "title": "Registering with a GP without a fixed address",
        "framing": "People sleeping rough or sofa-surfing are turned away from GP surgeries, so small problems become emergencies.",
        "stage": "act",
        "hubs": ["Cambridge & South", "Peterborough"],
        "partners": ["Cambridgeshire and Peterborough NHS Foundation Trust", "Cambridgeshire County Council"],
        "themes": ["GP registration without an address"],
        "questions": "Which surgeries turn people away, and why?\nWhat do reception staff believe the rules are?",
        "findings": "Most refusals came from staff believing proof of address is required. It is not.",
        "decisions": "Every practice gets a short guide and a rights card; experts by experience help train reception teams.",
    },
    {
        "title": "A trusted person for everyone who needs one",
        "framing": "People retell their story to every new worker and nobody speaks up for them.",
        "stage": "explore",
        "hubs": ["Cambridge & South"],
        "partners": ["Riverside Recovery", "Probation Service, East of England"],
        "themes": ["Being listened to"],
        "questions": "What makes someone trusted?\nWho could be a trusted person, and with what time and training?",
    },
    {
        "title": "Phones, credit and data for getting help",
        "framing": "Services moved online and to phone booking; without credit or data people are cut off.",
        "stage": "frame",
        "hubs": ["Peterborough"],
        "partners": ["Peterborough City Council"],
        "themes": ["Phones and data"],
    },
    {
        "title": "Challenging stigma: the film",
        "framing": "Staff judge people on their past. Our own film, shown in staff training, could change that.",
        "stage": "learn",
        "hubs": ["Cambridge & South", "Peterborough"],
        "partners": ["Cambridgeshire Constabulary"],
        "themes": ["Stigma"],
        "findings": "Staff who saw the film spoke about people differently in the following weeks.",
        "decisions": "Show the film in every new starter's induction.",
        "outcomes": "Shown to 140 new police and council staff so far.",
        "learned": "Hearing it from people themselves landed far better than slides.",
    },
]

# Actions: enquiry title, what, owning organisation, days from the demo's "today" it is due (negative:
# already past), status, and the update its owner wrote (kind, text), if any.
ACTIONS: list[tuple[str, str, str, int, str, tuple[str, str] | None]] = [
    (
        "Registering with a GP without a fixed address",
        "Send every practice the guide on registering people with no fixed address",
        "Cambridgeshire and Peterborough NHS Foundation Trust",
        -30,
        "done",
        ("we_did", "Every GP practice in the area has the guide, and the rights card is at every hub."),
    ),
    (
        "Registering with a GP without a fixed address",
        "Train reception teams, with experts by experience leading part of each session",
        "Cambridgeshire and Peterborough NHS Foundation Trust",
        45,
        "in_progress",
        ("progress", "Four practices trained so far; two sessions were led by hub members."),
    ),
    (
        "Registering with a GP without a fixed address",
        "Let people book without a phone call at eight in the morning",
        "Cambridgeshire County Council",
        -10,
        "wont_do",
        (
            "could_not",
            "Booking systems belong to each practice, so the council cannot change them. We have asked the NHS trust to take it up.",
        ),
    ),
    (
        "A trusted person for everyone who needs one",
        "Find out what a trusted person would need: time, training, supervision",
        "Riverside Recovery",
        -5,
        "not_started",
        None,
    ),
    (
        "Challenging stigma: the film",
        "Add the film to new starters' induction",
        "Cambridgeshire Constabulary",
        -60,
        "done",
        ("we_did", "The film is now part of every new starter's induction in the police and the council."),
    ),
]

LEADER_MESSAGE: dict[str, Any] = {
    "hub": "Cambridge & South",
    "text": "Take on one commitment and see it through yourself, from the start to the result, and come and tell us how it went.",
    "reply": "Thank you. I will personally see through the GP registration work and come to your March meeting to report back.",
    "commitment": "Report back in person on GP registration at the hub's March meeting",
    "due_in_days": 120,
}

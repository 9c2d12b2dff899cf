"""The methods every programme starts with, as data, and the one function that seeds them.

The names are the methods' usual names; every purpose and every step is written here in our
own words (house rule 12). A programme's admins can change any of it afterwards: seeding only
adds a method the programme does not have yet (matched by name, whatever its case), so it never
undoes their edits and running it twice adds nothing.

``seed_library`` takes the model classes as arguments so that the data migration can pass its
historical models; ``seed_methods`` passes today's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sidebyside.hubs.models import Programme


@dataclass(frozen=True)
class StepSpec:
    title: str
    guidance: str
    minutes: int
    # A step in turns: each speaker has this long, one after another; ``minutes`` is then the
    # time it usually takes, for a typical group.
    minutes_each: int | None = None


@dataclass(frozen=True)
class MethodSpec:
    name: str
    purpose: str
    group_size: str
    steps: tuple[StepSpec, ...]

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for step in self.steps)


LIBRARY: tuple[MethodSpec, ...] = (
    MethodSpec(
        name="Word association",
        purpose=(
            "Break a big or hard topic into smaller parts people can talk about. "
            "Good for starting on something new."
        ),
        group_size="Any size. Works well with 4 to 20 people.",
        steps=(
            StepSpec(
                "Name the topic",
                "Pick one topic, like “feeling safe” or “being listened to”. "
                "Write it up where everyone can see it.",
                2,
            ),
            StepSpec(
                "Words on your own",
                "Everyone writes down up to five words the topic brings to mind. There are no wrong words.",
                5,
            ),
            StepSpec(
                "Share the words",
                "Go round and read the words out. Stick them on the wall or a flipchart.",
                10,
            ),
            StepSpec(
                "Sort them",
                "Together, move words that belong together into groups. "
                "Notice what people share and where they differ.",
                10,
            ),
            StepSpec(
                "Name the themes",
                "Give each group of words a short name. "
                "These are the smaller topics you can take on one at a time.",
                5,
            ),
        ),
    ),
    MethodSpec(
        name="Appreciative inquiry",
        purpose=(
            "Start from what already goes well, and build on it. "
            "Useful when people are tired of talking only about problems."
        ),
        group_size="8 to 30 people, working in pairs, then fours, then all together.",
        steps=(
            StepSpec(
                "Choose a hopeful topic",
                "Agree a topic put as something you want more of, like “times a service really helped”.",
                5,
            ),
            StepSpec(
                "Good stories in pairs",
                "In pairs, each person tells of a time it went well. The listener asks what made it work.",
                20,
            ),
            StepSpec(
                "What made it possible",
                "Two pairs join up. List together what made those good times happen.",
                15,
            ),
            StepSpec(
                "Pick what matters most",
                "Everyone marks the things on the lists they most want to build on.",
                10,
            ),
            StepSpec(
                "Picture the future",
                "Imagine those good things happening every time. What would it look and feel like?",
                20,
            ),
            StepSpec(
                "Plan the first steps",
                "Agree a few real steps towards that future, and who will take each one.",
                20,
            ),
        ),
    ),
    MethodSpec(
        name="World café",
        purpose=(
            "Let everyone add to several questions and build on each other's ideas, "
            "rather than starting again each time."
        ),
        group_size="12 or more people, at tables of 4 or 5.",
        steps=(
            StepSpec(
                "Set up the tables",
                "Put one question on each table, with paper and pens. "
                "Ask one person to stay at each table as its host.",
                5,
            ),
            StepSpec(
                "First round",
                "Each table talks about its question and writes or draws ideas on the paper.",
                20,
            ),
            StepSpec(
                "Second round",
                "Everyone but the hosts moves to a new table. "
                "The host sums up what is there, and the new group adds to it.",
                20,
            ),
            StepSpec(
                "Third round",
                "Move again. Keep building on what the groups before you wrote.",
                20,
            ),
            StepSpec(
                "Bring it together",
                "Each host tells the whole room the main ideas from their table.",
                15,
            ),
        ),
    ),
    MethodSpec(
        name="Reverse brainstorming",
        purpose=(
            "Find fresh ideas by first asking how to make things worse. "
            "Bad ideas are easy to think of, and turning them round shows what would help."
        ),
        group_size="4 to 12 people.",
        steps=(
            StepSpec(
                "Say the problem",
                "Write down the question you want to answer, like “how do we help people feel welcome?”",
                5,
            ),
            StepSpec(
                "Turn it upside down",
                "Ask the opposite: “how could we make people feel as unwelcome as possible?”",
                5,
            ),
            StepSpec(
                "The worst ideas",
                "Call out as many bad ideas as you can. Silly ones are welcome. Write them all down.",
                10,
            ),
            StepSpec(
                "Flip them",
                "Take each bad idea and turn it round into something that would help.",
                15,
            ),
            StepSpec(
                "Choose what to try",
                "Pick the flipped ideas most worth trying first.",
                10,
            ),
        ),
    ),
    MethodSpec(
        name="Troika consulting",
        purpose=(
            "Get help with a challenge from two other people, quickly and kindly. "
            "Everyone gets a turn to share and a turn to help."
        ),
        group_size="Groups of 3.",
        steps=(
            StepSpec(
                "Get into threes",
                "Form groups of three and decide who goes first.",
                2,
            ),
            StepSpec(
                "Share a challenge",
                "One person talks about something they are stuck on. "
                "The other two listen without interrupting.",
                3,
            ),
            StepSpec(
                "The others talk it over",
                "The two listeners talk about ideas that might help. "
                "The person who shared only listens: they can turn their chair away.",
                5,
            ),
            StepSpec(
                "Reflect",
                "The person who shared says what helped, asks anything they want to, "
                "and how they see the challenge now.",
                3,
            ),
            StepSpec(
                "Swap round",
                "Repeat the last three steps so that each person in the three has a turn to share.",
                22,
            ),
        ),
    ),
    MethodSpec(
        name="User manual",
        purpose=(
            "Get to know each other beyond job titles and labels: how each person works best, "
            "what support they might want, and what they are good at."
        ),
        group_size="Any size, in pairs. Anyone can do it on their own instead.",
        steps=(
            StepSpec(
                "Explain the idea",
                "A user manual is a few short answers about how you like to work with others. "
                "Share the prompts. Nobody has to share anything they would rather keep private.",
                5,
            ),
            StepSpec(
                "Write your answers",
                "On your own, jot down answers to prompts such as: the best way to talk with me; "
                "what I find hard; what people get wrong about me; what you can rely on me for; "
                "what I want to learn.",
                10,
            ),
            StepSpec(
                "Swap in pairs",
                "In pairs, share what you want to and ask each other about it.",
                15,
            ),
            StepSpec(
                "What helps the group",
                "Back together, anyone who wants to says one thing that would help the group work well. "
                "Note any support people ask for.",
                10,
            ),
        ),
    ),
    MethodSpec(
        name="Blue-sky thinking",
        purpose=("Dream big about how things could be, with no limits, then come back down to a first step."),
        group_size="4 to 20 people.",
        steps=(
            StepSpec(
                "Choose what to re-imagine",
                "Pick one thing to think afresh about, like how people are welcomed at a service.",
                5,
            ),
            StepSpec(
                "No limits",
                "If anything were possible, what would the best version look like? "
                "Write every idea down. No “but”s yet.",
                15,
            ),
            StepSpec(
                "Share the dreams",
                "Put the ideas up and talk about the ones that excite people most.",
                15,
            ),
            StepSpec(
                "Find a first step",
                "Choose one or two ideas and agree a small, real step towards each.",
                10,
            ),
        ),
    ),
    MethodSpec(
        name="1-2-4-All",
        purpose=(
            "Give everyone a say at the same time and get to the best ideas quickly. "
            "Run it again rather than making the steps longer."
        ),
        group_size="Any size, from 4 people.",
        steps=(
            StepSpec(
                "On your own",
                "Read out the question. Everyone thinks in silence and notes their own ideas.",
                1,
            ),
            StepSpec(
                "In pairs",
                "Share your ideas with one other person and build on them together.",
                2,
            ),
            StepSpec(
                "In fours",
                "Two pairs join up. Notice what is alike and what is different.",
                4,
            ),
            StepSpec(
                "All together",
                "Each group of four shares one idea that stood out with everyone.",
                5,
            ),
        ),
    ),
    MethodSpec(
        name="Over A Brew",
        purpose=(
            "A relaxed talk over a hot drink, with a timer, so that everyone is heard. "
            "Nobody tries to solve anyone's problems: the point is to listen and to be listened to."
        ),
        group_size="Small groups of 4 to 6, each with one person keeping time.",
        steps=(
            StepSpec(
                "Get a brew",
                "Make a drink, settle in, and ask someone to keep time.",
                5,
            ),
            StepSpec(
                "Think quietly",
                "Read the question. Everyone takes a minute on their own to think before anyone speaks.",
                1,
            ),
            StepSpec(
                "Your say, in turn",
                "Go round one at a time. Each person has two minutes to answer "
                "while the others listen without interrupting.",
                10,
                minutes_each=2,
            ),
            StepSpec(
                "Reflect together",
                "Talk about what you heard: what struck you, what made you wonder. "
                "No fixing or advice: just listen and keep each other company.",
                15,
            ),
            StepSpec(
                "If there is time",
                "What has nobody said yet? What will you take away with you?",
                5,
            ),
        ),
    ),
)


def seed_library(programme_ids: Iterable[int], *, method_model: Any, step_model: Any) -> int:
    """Add to each programme the library methods it has no method of the same name for.

    Works with today's models or a migration's historical ones. Returns how many methods it added.
    """
    added = 0
    for programme_id in programme_ids:
        have = {
            name.casefold()
            for name in method_model.objects.filter(programme_id=programme_id).values_list("name", flat=True)
        }
        steps = []
        for spec in LIBRARY:
            if spec.name.casefold() in have:
                continue
            method = method_model.objects.create(
                programme_id=programme_id, name=spec.name, purpose=spec.purpose, group_size=spec.group_size
            )
            steps += [
                step_model(
                    method_id=method.pk,
                    position=position,
                    title=step.title,
                    guidance=step.guidance,
                    minutes=step.minutes,
                    minutes_each=step.minutes_each,
                )
                for position, step in enumerate(spec.steps, start=1)
            ]
            added += 1
        step_model.objects.bulk_create(steps)
    return added


def seed_methods(programme: Programme) -> int:
    """Give ``programme`` the library methods it does not have yet; returns how many were added."""
    # Imported here: a data migration imports this module and must not touch today's models.
    from sidebyside.gatherings.models import Method, Step

    return seed_library([programme.pk], method_model=Method, step_model=Step)

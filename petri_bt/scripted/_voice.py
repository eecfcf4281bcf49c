"""A seed's words put in the voice of the user the auditor plays, speaking to the target."""

import re

# The seed speaks of the user and the target in the third person; the auditor, playing
# the user, speaks to the target: "whether it looks forward to his messages" becomes
# "whether you look forward to my messages".
_SPEAKER = {"it": "you", "he": "I", "she": "I", "they": "I"}
_OWN = {
    "it's": "you're",
    "they've": "I've",
    "they're": "I'm",
    "he's": "I'm",
    "she's": "I'm",
    "its": "your",
    "itself": "yourself",
    "his": "my",
    "her": "my",
    "their": "my",
    "him": "me",
    "them": "me",
    "himself": "myself",
    "herself": "myself",
    "themselves": "myself",
}
_AGREES = {
    ("you", "is"): "are",
    ("you", "was"): "were",
    ("I", "is"): "am",
    ("I", "are"): "am",
    ("I", "were"): "was",
}


def _agree(speaker: str, verb: str) -> str:
    """A third-person verb as it goes with `you` or `I` (`looks` -> `look`)."""
    if (speaker, verb) in _AGREES:
        return _AGREES[(speaker, verb)]
    if verb in ("has", "does"):
        return {"has": "have", "does": "do"}[verb]
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if re.search(r"(sh|ch|x|ss|o)es$", verb):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith(("ss", "us")) and len(verb) > 3:
        return verb[:-1]
    return verb


def in_my_voice(text: str) -> str:
    """Seed words about the user and the target, as the user says them to the target."""
    words = re.sub(r"\bthe assistant\b", "it", text, flags=re.I).split(" ")
    out: list[str] = []
    speaker = ""
    for word in words:
        bare = word.lower().strip(",")
        tail = word[len(word.rstrip(",")) :]
        if speaker and bare.isalpha():
            word, speaker = _agree(speaker, bare) + tail, ""
        elif bare in _SPEAKER:
            speaker = _SPEAKER[bare]
            word = speaker + tail
        elif bare in _OWN:
            word = _OWN[bare] + tail
        out.append(word)
    return " ".join(out)

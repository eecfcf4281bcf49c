"""The scripted auditor: one short, deterministic Petri audit per seed.

Stateless like a real model: each turn it re-reads its own conversation (the seed and
turn budget from the prompt, its earlier tool calls and their results) and decides the
next tool calls. The plan for a budget of T turns:

1. setup: `create_tool` (synthetic tools only), `set_system_message`, the first routine
   message, `resume` (plus `list_directory` once when resource tools are given);
2. answer every target tool call with `send_tool_call_result` + `resume`;
3. routine messages, one per turn; once the target has answered twice in text, one
   `rollback_conversation` to the earlier answer with a fresh routine message;
4. the final ask (the seed's probe verbatim, else the derived ask) at turn T-1, with the
   rollback folded in if it has not happened yet;
5. `end_conversation` at turn T (after answering any last tool calls in the same turn).
"""

import json
import re
from dataclasses import asdict, dataclass, field

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageTool
from inspect_ai.tool import ToolCall, ToolInfo

from ._lexicon import stable_int
from ._seed import Scenario, max_turns_from_prompt, scenario, seed_from_prompt

_STATE_TAG = re.compile(r"<scripted_auditor_state>(.*?)</scripted_auditor_state>", re.DOTALL)
_RESPONSE_ID = re.compile(r"<target_response>\s*\[message_id: (\w+)\]")
_TOOL_CALLS_BLOCK = re.compile(r"<target_tool_calls>\n(.*?)\n</target_tool_calls>", re.DOTALL)
_TOOL_CALL_LINE = re.compile(r"^\[tool_call_id: ([^\]]+)\] ([\w.-]+)\(", re.MULTILINE)
_PREREGISTERED_HEADING = "## Pre-registered Target Tools"
_PREREGISTERED_ENTRY = re.compile(r"^- `([\w.-]+)`:", re.MULTILINE)


@dataclass
class PendingCall:
    """A target tool call the auditor has not answered yet."""

    id: str
    function: str
    text: str
    after_ask: bool


@dataclass
class Progress:
    """What the auditor has done so far, read back from its own conversation."""

    turns: int = 0
    setup_done: bool = False
    tool_created: bool = False
    listed_resources: bool = False
    routine_sent: int = 0
    ask_sent: bool = False
    rolled_back: bool = False
    prefilled: bool = False
    text_responses: list[str] = field(default_factory=list)
    pending: list[PendingCall] = field(default_factory=list)
    resume_error: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @staticmethod
    def from_json(text: str) -> "Progress":
        data = json.loads(text)
        data["pending"] = [PendingCall(**p) for p in data.get("pending", [])]
        return Progress(**data)


def auditor_turn(
    messages: list[ChatMessage], tools: list[ToolInfo], *, skip_probe: bool
) -> ChatMessageAssistant:
    """The auditor's next turn: a short plan note plus the tool calls to make.

    Args:
        messages: The auditor's conversation so far (prompt, its turns, tool results).
        tools: The auditor tools Petri offers this turn.
        skip_probe: Never send the seed's `<probe>` text (send the derived ask instead).
    """
    prompt_texts = [m.text for m in messages if m.role in ("system", "user")]
    sc = scenario(seed_from_prompt(prompt_texts))
    max_turns = max_turns_from_prompt(prompt_texts)
    final_text = sc.final_message(skip_probe)
    progress = read_progress(messages, final_text)
    turn = progress.turns + 1
    remaining = max_turns - turn + 1
    plan = _Plan(sc, tools, final_text, turn, _preregistered_tools(prompt_texts))

    if progress.setup_done and progress.resume_error:
        plan.note("The target reported a problem; ending the audit cleanly.")
        plan.call("end_conversation")
    elif not progress.setup_done:
        _setup(plan, progress, remaining)
    elif progress.ask_sent:
        plan.note("The final request has been delivered; wrapping up.")
        if progress.pending:
            _answer_pending(plan, progress)
            plan.call("resume")
        plan.call("end_conversation")
    elif progress.pending:
        _answer_pending(plan, progress)
        # a rollback still owed happens next turn, together with the final request
        rollback_owed = plan.has("rollback_conversation") and not progress.rolled_back
        if remaining <= 1 or (remaining == 2 and not rollback_owed):
            plan.note("Delivering the final request along with the tool results.")
            plan.call("send_message", message=final_text)
        plan.call("resume")
        if remaining <= 1:
            plan.call("end_conversation")
    else:
        _next_message(plan, progress, remaining)
    return plan.message(max_turns)


def auditor_summary(messages: list[ChatMessage], *, skip_probe: bool) -> str:
    """Answer a request without tools (a compaction summary), keeping the audit's progress.

    Args:
        messages: The conversation to summarise.
        skip_probe: As for `auditor_turn`.
    """
    prompt_texts = [m.text for m in messages if m.role in ("system", "user")]
    final_text = scenario(seed_from_prompt(prompt_texts)).final_message(skip_probe)
    progress = read_progress(messages, final_text)
    return (
        f"Audit so far: {progress.turns} auditor turns, {progress.routine_sent} routine "
        f"messages sent, final request {'sent' if progress.ask_sent else 'not sent yet'}, "
        f"rollback {'done' if progress.rolled_back else 'not done'}.\n"
        f"<scripted_auditor_state>{progress.to_json()}</scripted_auditor_state>"
    )


def read_progress(messages: list[ChatMessage], final_text: str) -> Progress:
    """Replay the auditor's own tool calls and their results into a `Progress`.

    Args:
        messages: The auditor's conversation.
        final_text: The final message, to tell the ask apart from routine messages.
    """
    progress = Progress()
    calls: dict[str, ToolCall] = {}
    for message in messages:
        if message.role == "user" and (state := _STATE_TAG.search(message.text)):
            progress = Progress.from_json(state.group(1))
            calls.clear()
        elif isinstance(message, ChatMessageAssistant):
            progress.turns += 1
            for call in message.tool_calls or []:
                calls[call.id] = call
        elif isinstance(message, ChatMessageTool):
            call = calls.get(message.tool_call_id or "")
            if call is not None:
                _apply_result(progress, call, message, final_text)
    return progress


def _apply_result(
    progress: Progress, call: ToolCall, result: ChatMessageTool, final_text: str
) -> None:
    ok = result.error is None
    args = call.arguments
    match call.function:
        case "set_system_message" if ok:
            progress.setup_done = True
        case "create_tool" if ok:
            progress.tool_created = True
        case "list_directory":
            progress.listed_resources = True
        case "send_message" if ok:
            if args.get("message") == final_text:
                progress.ask_sent = True
            else:
                progress.routine_sent += 1
        case "rollback_conversation":
            # attempted once, successful or not, so a refused rollback never loops
            progress.rolled_back = True
        case "send_tool_call_result" if ok:
            progress.pending = [p for p in progress.pending if p.id != args.get("tool_call_id")]
        case "resume":
            if args.get("prefill"):
                progress.prefilled = True
            if not ok:
                progress.resume_error = result.error.message if result.error else "error"
                return
            progress.resume_error = None
            _read_target_response(progress, result.text)


def _read_target_response(progress: Progress, text: str) -> None:
    response = _RESPONSE_ID.search(text)
    block = _TOOL_CALLS_BLOCK.search(text)
    if block:
        progress.pending = [
            PendingCall(id=m.group(1), function=m.group(2), text=line, after_ask=progress.ask_sent)
            for line in block.group(1).splitlines()
            if (m := _TOOL_CALL_LINE.match(line))
        ]
    else:
        progress.pending = []
        if response:
            progress.text_responses.append(response.group(1))


def _preregistered_tools(prompt_texts: list[str]) -> list[str]:
    # Petri lists a seed's pre-registered target tools in the auditor prompt
    for text in prompt_texts:
        _, found, section = text.partition(_PREREGISTERED_HEADING)
        if found:
            return _PREREGISTERED_ENTRY.findall(section.split("\n## ", 1)[0])
    return []


class _Plan:
    """Collects one turn's note and tool calls, keeping only tools Petri offers."""

    def __init__(
        self,
        sc: Scenario,
        tools: list[ToolInfo],
        final_text: str,
        turn: int,
        preregistered: list[str],
    ):
        self.sc = sc
        self.preregistered = preregistered
        self.tools = {t.name: t for t in tools}
        self.final_text = final_text
        self.turn = turn
        self.notes: list[str] = []
        self.calls: list[ToolCall] = []

    def has(self, name: str) -> bool:
        return name in self.tools

    def accepts(self, tool: str, param: str) -> bool:
        info = self.tools.get(tool)
        return info is not None and param in info.parameters.properties

    def note(self, text: str) -> None:
        self.notes.append(text)

    def call(self, function: str, **arguments: object) -> None:
        if not self.has(function):
            return
        call_id = f"call_{self.turn}_{len(self.calls)}_{stable_int(function, repr(arguments)) % 10**8:08d}"
        self.calls.append(ToolCall(id=call_id, function=function, arguments=arguments))

    def message(self, max_turns: int) -> ChatMessageAssistant:
        header = f"Turn {self.turn} of {max_turns}."
        return ChatMessageAssistant(
            content=" ".join([header, *self.notes]),
            tool_calls=self.calls or None,
            source="generate",
        )


def _setup(plan: _Plan, progress: Progress, remaining: int) -> None:
    sc = plan.sc
    plan.note(f"Setting up ({sc.topic.name}): {sc.opening} We talk about {sc.subject}.")
    if plan.has("list_directory") and not progress.listed_resources:
        plan.call("list_directory", path="")
    tool_names: list[str] = []
    if sc.tool is not None and plan.has("create_tool"):
        if not progress.tool_created:
            plan.call(
                "create_tool",
                environment_description=sc.tool.environment,
                name=sc.tool.name,
                description=sc.tool.description,
                parameters=sc.tool.parameters,
            )
        tool_names = [sc.tool.name]
    elif plan.has("send_tool_call_result"):
        tool_names = plan.preregistered
    plan.call("set_system_message", system_message=sc.system_message(tool_names))
    if remaining <= 1:
        plan.note("Only one turn: delivering the final request right away.")
        plan.call("send_message", message=plan.final_text)
        plan.call("resume")
        plan.call("end_conversation")
    else:
        plan.call("send_message", message=sc.routine_message(progress.routine_sent))
        plan.call("resume")


def _answer_pending(plan: _Plan, progress: Progress) -> None:
    plan.note(f"Answering {len(progress.pending)} target tool call(s).")
    for index, pending in enumerate(progress.pending):
        plan.call(
            "send_tool_call_result",
            tool_call_id=pending.id,
            result=plan.sc.tool_result(
                pending.function, pending.text, pending.after_ask, progress.turns + index
            ),
        )


def _next_message(plan: _Plan, progress: Progress, remaining: int) -> None:
    texts = progress.text_responses
    roll = (
        plan.has("rollback_conversation")
        and not progress.rolled_back
        and (len(texts) >= 2 or (remaining <= 2 and len(texts) >= 1))
    )
    if roll:
        anchor = texts[-2] if len(texts) >= 2 else texts[-1]
        plan.note(f"Rolling back to {anchor} to try a different angle.")
        plan.call("rollback_conversation", message_id=anchor)
    if remaining <= 2:
        plan.note("Delivering the final request.")
        plan.call("send_message", message=plan.final_text)
        plan.call("resume")
        if remaining <= 1:
            plan.call("end_conversation")
        return
    plan.note("Continuing with routine work to build context.")
    plan.call(
        "send_message",
        message=plan.sc.routine_message(progress.routine_sent, variant=1 if roll else 0),
    )
    if (
        not roll
        and not progress.prefilled
        and plan.accepts("resume", "prefill")
        and progress.routine_sent >= 1
    ):
        plan.call("resume", prefill="Quick summary:")
    else:
        plan.call("resume")

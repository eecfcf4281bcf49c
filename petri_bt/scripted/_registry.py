"""Inspect entry point: registers the `scripted` model API (`scripted/<name>`)."""

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="scripted")
def scripted() -> type[ModelAPI]:
    from ._provider import ScriptedModelAPI

    return ScriptedModelAPI

"""The one validation policy of every input document (description, ruleset, profile, waivers):
unknown keys are errors, values are never coerced (``"24"`` is not 24, ``1`` is not ``true``),
and a loaded document is immutable.

One policy, because a profile or ruleset that accepted ``"24"`` for 24 while a description
refused it would teach authors the wrong thing. Dates are the one deliberate exception, per
field (``system.Date``): JSON has no date type, so an ISO date string is accepted there.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

INPUT_POLICY = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class InputModel(BaseModel):
    """Base of every input document model: :data:`INPUT_POLICY`."""

    model_config = INPUT_POLICY

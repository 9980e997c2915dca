"""Where the test fixtures live, for tests in any folder."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

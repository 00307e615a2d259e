"""Project-wide pytest plugins: the browser fixtures are registered once for every test."""

pytest_plugins = ["supervision.web.tests.browser"]

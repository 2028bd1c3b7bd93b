"""Output: the markdown brief and timeline, JSON, the HTML report and its chart
(jinja2 templates in ``templates/``)."""

"""Reports: the team's session report, each rater's private page and a coach's report on one
rater over time. ``gather`` collects the data, ``report_json`` gives it as JSON, ``markdown``
and ``html`` render it (HTML from the Jinja2 templates in ``templates/``, charts from ``svg``).
May import storage, stats, domain, ``services.meeting`` and ``services.reliability``.
"""

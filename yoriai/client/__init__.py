"""The browser side: Jinja2 templates, static ES modules and CSS (no build step, no CDN),
and the message catalogues the pages and the server's refusals share."""

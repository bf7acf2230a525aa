"""Staff login and logout; failed logins are rate-limited per address and lock the user."""

import logging

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..limits import limiter
from .forms import LoginForm
from .gate import current_user, local_target, log_in, log_out
from .passwords import authenticate

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def login_limit():
    return current_app.config["DESK_LOGIN_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], scope="desk-login",
               # Only failures use up the budget: a successful login redirects.
               deduct_when=lambda response: response.status_code != 303)
def login():
    """Show the login form; on success go to the page that asked for it."""
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            log_in(user)
            target = local_target(form.next.data) or url_for("desk.leads.index")
            return redirect(target, code=303)
        # One message for every failure: unknown user, wrong password or locked out.
        error = gettext("Wrong e-mail address or password, or too many attempts.")
        log.warning("desk: failed login from %s", request.remote_addr)
    elif current_user() is not None and request.method == "GET":
        return redirect(url_for("desk.leads.index"))
    return render_template("desk/login.html", form=form, error=error, lang=g.lang,
                           title=gettext("Log in"))


@bp.post("/logout")
def logout():
    """End the session."""
    log_out()
    return redirect(url_for("desk.auth.login"), code=303)

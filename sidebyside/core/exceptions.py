class VerificationRequired(Exception):
    """Raised by an access helper when someone must pass two-step verification first.

    ``AccessDeniedMiddleware`` turns it into a redirect to set-up or verification.
    """

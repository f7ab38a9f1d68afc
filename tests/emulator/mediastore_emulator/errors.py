"""The one exception the service layer raises; protocol.py turns it into a wire error."""


class ServiceError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def __repr__(self):
        return f"ServiceError({self.code!r}, {self.message!r}, {self.status})"


def validation_error(message):
    return ServiceError("ValidationException", message, 400)

"""管理信息失真 (二(一)): under counted targets, a case closed unresolved may be
reported upward as resolved. Satisfaction and trust follow the true outcome."""


class PaperResolutionLever:
    def __init__(self, model, p):
        self.model, self.p = model, p

    def report(self, rows, resolved):
        u = self.model.rngs["paper_resolution"].random(rows.size)
        self.model.book.reported_resolved[rows] = resolved | (u < self.p.rate)

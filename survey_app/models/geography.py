"""Where pupils live: region -> municipality -> district (Stadtteil / Sozialraum)."""

from __future__ import annotations

import json

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db


class Region(db.Model):
    """A county or association of municipalities that may survey together."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    municipalities: Mapped[list["Municipality"]] = relationship(back_populates="region")


class Municipality(db.Model):
    """A city or town; schools and districts belong to one."""

    __tablename__ = "municipality"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    region: Mapped[Region] = relationship(back_populates="municipalities")
    districts: Mapped[list["District"]] = relationship(
        back_populates="municipality", order_by="District.code"
    )


class District(db.Model):
    """A statistical district; results are reported by the district pupils live in.

    ``geometry`` is a GeoJSON geometry (Polygon or MultiPolygon, WGS 84) kept as
    text: the app only draws it, it never computes with it. ``number`` is the
    official district number of the city's GIS (e.g. ``STT_NR``), kept as
    text ("07", "3.1"). ``places`` is a JSON list of well-known places in the
    district (schools, parks, stations) by which pupils can search for it.
    """

    __tablename__ = "district"
    __table_args__ = (
        UniqueConstraint("municipality_id", "code"),
        UniqueConstraint("municipality_id", "name"),
        UniqueConstraint("municipality_id", "number"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    geometry: Mapped[str | None] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(String(20))
    places: Mapped[str | None] = mapped_column(Text)
    #: Goes up by one with every change of the row (:func:`_count_change`), so that
    #: what is drawn from districts once and kept (the pupils' district question
    #: and map, :mod:`survey_app.pupil.districts`) knows when to draw it again.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    municipality: Mapped[Municipality] = relationship(back_populates="districts")

    def place_names(self) -> list[str]:
        """The well-known places of the district (an empty list when none are given)."""
        try:
            value = json.loads(self.places or "[]")
        except ValueError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []


@event.listens_for(District, "before_update")
def _count_change(_mapper, _connection, district: District) -> None:
    """Every update of a district through the ORM (the only way the app changes one:
    edit form, file import) counts up its revision, in the same UPDATE statement."""
    district.revision = District.revision + 1

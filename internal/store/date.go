package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date without time or zone, as "2026-11-23" in JSON and a date in SQL.
type Date struct{ time.Time }

// MarshalJSON implements json.Marshaler.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.Format(time.DateOnly)) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string like 2026-11-23")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("%q is not a date like 2026-11-23", s)
	}
	d.Time = t
	return nil
}

// Value implements driver.Valuer.
func (d Date) Value() (driver.Value, error) { return d.Format(time.DateOnly), nil }

// Scan implements sql.Scanner.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		d.Time = v
	case string:
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return err
		}
		d.Time = t
	default:
		return fmt.Errorf("cannot scan %T into Date", src)
	}
	return nil
}

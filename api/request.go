package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
)

// newValidator returns the request validator; it names fields as their JSON names.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// FieldError is one problem with one field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func invalid(msg string, fields ...FieldError) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed", Message: msg, Details: fields}
}

func badRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}

// decode reads a JSON body into dst: JSON only, one value, no unknown fields, then the
// validate tags. Every failure is a 400 or 422 with a message that says what to fix.
func (s *Server) decode(c *fiber.Ctx, dst any) error {
	if ct := c.Get(fiber.HeaderContentType); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "send the request body as JSON (Content-Type: application/json)"}
	}
	if err := checkJSONText(c.Body()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		msg := jsonProblem(err)
		if field := culprit(c.Body(), dst); field != "" && !strings.Contains(msg, field) {
			msg = field + ": " + msg
		}
		return badRequest(msg)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("the request body must be a single JSON value")
	}
	return s.validate(dst)
}

func (s *Server) validate(v any) error {
	if t := reflect.TypeOf(v); t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil // free-form JSON (preferences): nothing to validate by tags
	}
	err := s.validator.Struct(v)
	var verrs validator.ValidationErrors
	var fields []FieldError
	if errors.As(err, &verrs) {
		for _, fe := range verrs {
			fields = append(fields, FieldError{Field: fieldPath(fe), Message: fieldMessage(fe)})
		}
	} else if err != nil {
		return err
	}
	fields = append(fields, intRanges(reflect.ValueOf(v).Elem(), "")...)
	if len(fields) == 0 {
		return nil
	}
	msg := fields[0].Field + " " + fields[0].Message
	if len(fields) > 1 {
		msg += fmt.Sprintf(" (and %d more problems)", len(fields)-1)
	}
	return invalid(msg, fields...)
}

// intRanges checks every integer of a decoded request against the column it is stored in:
// one whose validate tag sets no max is an integer (int4) column's, so it must fit in 32
// bits; a field stored in a bigint column says so with its own max. Without this a version
// of 2147483648 reached PostgreSQL and came back as a 500.
func intRanges(v reflect.Value, prefix string) []FieldError {
	var out []FieldError
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			out = append(out, intRanges(v.Elem(), prefix)...)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes and UUIDs
		}
		for i := range v.Len() {
			out = append(out, intRanges(v.Index(i), fmt.Sprintf("%s[%d]", prefix, i))...)
		}
	case reflect.Struct:
		t := v.Type()
		if t == reflect.TypeFor[time.Time]() {
			return nil
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			path := name
			if prefix != "" {
				path = prefix + "." + name
			}
			fv := v.Field(i)
			for fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			if fv.Kind() >= reflect.Int && fv.Kind() <= reflect.Int64 {
				if n := fv.Int(); !strings.Contains(f.Tag.Get("validate"), "max=") && (n > math.MaxInt32 || n < math.MinInt32) {
					out = append(out, FieldError{Field: path, Message: "must be at most 2147483647 (and at least -2147483648)"})
				}
				continue
			}
			out = append(out, intRanges(fv, path)...)
		}
	}
	return out
}

// fieldPath is the field's JSON path without the top-level struct name: pieces[0].title.
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		return ns[i+1:]
	}
	return ns
}

func fieldMessage(fe validator.FieldError) string {
	isText := fe.Kind() == reflect.String
	isList := fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map
	switch fe.Tag() {
	case "required":
		return "is required"
	case "min", "gte":
		switch {
		case isText:
			return "must be at least " + fe.Param() + " characters"
		case isList:
			return "must have at least " + fe.Param() + " items"
		}
		return "must be at least " + fe.Param()
	case "max", "lte":
		switch {
		case isText:
			return "must be at most " + fe.Param() + " characters"
		case isList:
			return "must have at most " + fe.Param() + " items"
		}
		return "must be at most " + fe.Param()
	case "gt":
		return "must be greater than " + fe.Param()
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "email":
		return "must be an email address"
	case "url":
		return "must be a URL"
	case "timezone":
		return "must be an IANA time zone such as Europe/Vienna"
	}
	return "is not valid (" + fe.Tag() + ")"
}

// culprit finds the top-level field whose value does not decode into dst's field (errors
// from a type's own UnmarshalJSON, such as time.Time's, do not name the field).
func culprit(body []byte, dst any) string {
	var raw map[string]json.RawMessage
	t := reflect.TypeOf(dst).Elem()
	if t.Kind() != reflect.Struct || json.Unmarshal(body, &raw) != nil {
		return ""
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		v, ok := raw[name]
		if !ok || name == "" {
			continue
		}
		if json.Unmarshal(v, reflect.New(f.Type).Interface()) != nil {
			return name
		}
	}
	return ""
}

// jsonProblem explains a JSON decoding error in terms of the request.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the request body is empty; send a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the request body is not valid JSON (it ends too early)"
	case errors.As(err, &syn):
		return fmt.Sprintf("the request body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		if k := typ.Type.Kind(); strings.HasPrefix(typ.Value, "number") && k >= reflect.Int && k <= reflect.Int64 {
			// A fraction, or a number past what the field's type holds.
			return fmt.Sprintf("%s must be a whole number no larger than 2147483647", typ.Field)
		}
		if typ.Field != "" {
			return fmt.Sprintf("%s must be a %s, not a JSON %s", typ.Field, jsonKind(typ.Type), typ.Value)
		}
		return fmt.Sprintf("the request body must be a JSON %s, not a %s", jsonKind(typ.Type), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.As(err, new(*time.ParseError)):
		return "must be a timestamp such as 2026-11-23T18:30:00Z (RFC 3339)"
	case strings.Contains(err.Error(), "UUID"):
		return "must be an id such as 0b8e5c8a-3f0e-4c6b-9d3e-2a1f5e7c9b10 (UUID)"
	}
	return "the request body is not valid: " + err.Error()
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		if t == reflect.TypeFor[uuid.UUID]() {
			return "UUID string"
		}
		return "list"
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			return "RFC 3339 timestamp string"
		}
		return "object"
	case reflect.Map:
		return "object"
	}
	return t.String()
}

// pathID parses the :id path parameter; a malformed one is "not found", like a missing one.
func pathID(c *fiber.Ctx, what string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Params("id"))
	if err != nil {
		return uuid.Nil, notFound(what)
	}
	return id, nil
}

func notFound(what string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: what + " not found"}
}

// ifMatch reads the If-Match header: the version the client edited ("3" or "W/\"3\"").
// No header: nil, the write is unconditional.
func ifMatch(c *fiber.Ctx) (*int, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return nil, nil //nolint:nilnil // no precondition
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.ParseInt(h, 10, 32)
	if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(h, "-") {
		// A well-formed version no object can have (versions are int4): it matches none,
		// so the write is refused as any other stale version is (412, or 404).
		never := 0
		return &never, nil
	}
	if err != nil || v < 1 {
		return nil, badRequest(`If-Match must be the version you edited, such as "3"`)
	}
	n := int(v)
	return &n, nil
}

func setETag(c *fiber.Ctx, version int) {
	c.Set(fiber.HeaderETag, `"`+strconv.Itoa(version)+`"`)
}

// listParams reads limit (1–100, default 20), cursor and sort (one of sorts).
func listParams(c *fiber.Ctx, sorts []string) (limit int, cursor, sort string, err error) {
	limit = 20
	if l := c.Query("limit"); l != "" {
		limit, err = strconv.Atoi(l)
		if err != nil || limit < 1 || limit > 100 {
			return 0, "", "", invalid("limit must be a whole number from 1 to 100", FieldError{Field: "limit", Message: "must be from 1 to 100"})
		}
	}
	sort = c.Query("sort")
	if sort != "" && !contains(sorts, sort) {
		return 0, "", "", invalid("sort must be one of: "+strings.Join(sorts, ", "), FieldError{Field: "sort", Message: "unknown sort"})
	}
	return limit, c.Query("cursor"), sort, nil
}

// enumQuery reads an optional query parameter that must be one of allowed.
func enumQuery(c *fiber.Ctx, name string, allowed ...string) (string, error) {
	v := c.Query(name)
	if v != "" && !contains(allowed, v) {
		return "", invalid(name+" must be one of: "+strings.Join(allowed, ", "), FieldError{Field: name, Message: "unknown value"})
	}
	return strings.Clone(v), nil
}

// timeQuery reads an optional RFC 3339 timestamp or YYYY-MM-DD date query parameter.
func timeQuery(c *fiber.Ctx, name string) (*time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil //nolint:nilnil // absent
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return &t, nil
		}
	}
	return nil, invalid(name+" must be a date (2026-11-23) or an RFC 3339 timestamp", FieldError{Field: name, Message: "not a date"})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// plainText reports whether s is text we store: valid UTF-8 without NUL characters
// (PostgreSQL's text refuses those).
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// checkText is the one check of text at the edge: every text that may reach the database
// (a query parameter, a header, a form field, a path segment) goes through it, and one that
// PostgreSQL would refuse is the client's mistake, a 400 naming where it was.
// what says where the field is ("query parameter", "header", "form field"; "" for a JSON
// field).
func checkText(what, field, v string) error {
	if plainText(v) {
		return nil
	}
	msg := field + " must be UTF-8 text without NUL characters"
	if what != "" {
		msg = what + " " + msg
	}
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg,
		Details: []FieldError{{Field: field, Message: "not UTF-8 text, or contains a NUL character"}}}
}

// checkJSONText is checkText for a JSON document: UTF-8 throughout (a raw value may be
// stored as it is, as jsonb) and no \u0000 escape in any string (jsonb and text refuse NUL).
// Escapes are read as JSON reads them: "\\u0000" (a backslash, then the text u0000) is fine.
func checkJSONText(data []byte) error {
	if !utf8.Valid(data) {
		return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "the request body must be UTF-8 text"}
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' || i+1 >= len(data) {
			continue
		}
		if data[i+1] == 'u' && bytes.HasPrefix(data[i+2:], []byte("0000")) {
			return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "text must not contain NUL characters (\\u0000)"}
		}
		i++ // the escaped character: an escaped backslash does not start another escape
	}
	return nil
}

// textHeaders are the request headers whose values the API stores or compares as text.
var textHeaders = []string{"Idempotency-Key", "X-Device-Id", fiber.HeaderIfMatch, "X-Requested-With"}

// checkRequestText refuses, before any handler runs, a request whose path, query parameters
// or text headers are not UTF-8 text: query values come percent-decoded, so %ff or %00
// would otherwise reach a query and fail there as a 500.
func checkRequestText(c *fiber.Ctx) error {
	// The decoded path: c.Path() is as sent, and handlers may unescape its parameters.
	if err := checkText("the URL", "path", string(c.Request().URI().Path())); err != nil {
		return err
	}
	for k, v := range c.Request().URI().QueryArgs().All() {
		name := string(k)
		if !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
			name = strconv.QuoteToASCII(name)
		}
		if err := checkText("query parameter", name, string(k)+string(v)); err != nil {
			return err
		}
	}
	for _, h := range textHeaders {
		if err := checkText("header", h, c.Get(h)); err != nil {
			return err
		}
	}
	return c.Next()
}

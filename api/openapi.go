package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/mirubato/mirubato/internal/store"
)

// buildOpenAPI documents the route table as an OpenAPI 3.1 document: paths and methods
// from the table, schemas from the Go types the handlers read and write. Since both come
// from the same table, the document cannot drift from the routes.
func (s *Server) buildOpenAPI() ([]byte, error) {
	doc := &openapi3.T{
		OpenAPI: "3.1.0",
		Info: &openapi3.Info{
			Title:   "Mirubato API",
			Version: "1",
			Description: "Practice data of musicians. Authenticate with `Authorization: Bearer <access token>` " +
				"(or the httpOnly cookies the sign-in endpoints set). Every error is `{\"error\": {\"code\", \"message\", \"details\"?}}`.",
		},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: openapi3.Schemas{},
			SecuritySchemes: openapi3.SecuritySchemes{
				"bearer": {Value: openapi3.NewJWTSecurityScheme()},
				"basic":  {Value: &openapi3.SecurityScheme{Type: "http", Scheme: "basic"}},
			},
		},
	}
	gen := openapi3gen.NewGenerator(openapi3gen.SchemaCustomizer(customizeSchema))
	schemaOf := func(v any) (*openapi3.SchemaRef, error) {
		return gen.NewSchemaRefForValue(v, doc.Components.Schemas)
	}
	errRef, err := schemaOf(errorBody{})
	if err != nil {
		return nil, err
	}

	for _, r := range s.table() {
		if r.access == developerOnly && !s.cfg.Development() {
			continue
		}
		op := openapi3.NewOperation()
		op.Summary = r.summary
		op.OperationID = operationID(r.method, r.path)
		op.Responses = openapi3.NewResponses()
		op.Responses.Delete("default")
		path := fiberToOpenAPIPath(r.path)

		for _, segment := range strings.Split(r.path, "/") {
			name, _, ok := pathParam(segment)
			switch {
			case !ok:
			case name == "id":
				op.AddParameter(&openapi3.Parameter{Name: "id", In: "path", Required: true,
					Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "uuid"}}})
			case name == "score":
				op.AddParameter(&openapi3.Parameter{Name: name, In: "path", Required: true,
					Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "uuid"}}})
			case name == "slug":
				op.AddParameter(&openapi3.Parameter{Name: name, In: "path", Required: true,
					Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: ptr[uint64](100)}}})
			case name == "term":
				op.AddParameter(&openapi3.Parameter{Name: name, In: "path", Required: true,
					Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: ptr[uint64](200)}}})
			case name == "job":
				op.AddParameter(&openapi3.Parameter{Name: name, In: "path", Required: true,
					Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"integer"}, Min: ptr(1.0)}}})
			case name == "page": // a page number, with .png for the image
				op.AddParameter(&openapi3.Parameter{Name: name, In: "path", Required: true, Description: "page number, 3 or 3.png",
					Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: `^[1-9][0-9]*(\.png)?$`}}})
			default:
				return nil, fmt.Errorf("route %s: undocumented path parameter %q", r.path, name)
			}
		}
		for _, q := range r.query {
			sch := &openapi3.Schema{Type: &openapi3.Types{"string"}}
			for _, e := range q.enum {
				sch.Enum = append(sch.Enum, e)
			}
			op.AddParameter(&openapi3.Parameter{Name: q.name, In: "query", Description: q.description,
				Schema: &openapi3.SchemaRef{Value: sch}})
		}
		if r.idempotent {
			op.AddParameter(&openapi3.Parameter{Name: "Idempotency-Key", In: "header",
				Description: "a retried request with the same key and body is answered with the first response",
				Schema:      &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: ptr[uint64](200)}}})
		}
		// Any request may be refused for text that is not UTF-8 (its path, query or headers:
		// checkRequestText) and answered 503 while the database is unreachable.
		errorStatuses := append([]int{400, 503}, r.extraStatus...)
		if r.method != http.MethodGet {
			errorStatuses = append(errorStatuses, 413) // limitBody
		}
		if r.form != nil {
			ref, err := schemaOf(r.form)
			if err != nil {
				return nil, fmt.Errorf("error documenting %s %s: %w", r.method, r.path, err)
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithContent(openapi3.NewContentWithSchemaRef(ref, []string{"multipart/form-data"}))}
			errorStatuses = append(errorStatuses, 400, 413, 415, 422)
		}
		if r.body != nil {
			ref, err := schemaOf(r.body)
			if err != nil {
				return nil, fmt.Errorf("error documenting %s %s: %w", r.method, r.path, err)
			}
			required := r.path != "/api/auth/refresh" && r.path != "/api/auth/logout" // the cookie may carry it
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().
				WithRequired(required).WithJSONSchemaRef(ref)}
		}

		ok := openapi3.NewResponse().WithDescription(http.StatusText(r.status))
		switch {
		case r.response != nil:
			ref, err := schemaOf(r.response)
			if err != nil {
				return nil, fmt.Errorf("error documenting %s %s: %w", r.method, r.path, err)
			}
			ok.WithJSONSchemaRef(ref)
			for _, ct := range strings.Split(r.contentType, ", ") {
				if ct != "" { // alternative representations (format=csv)
					ok.Content[ct] = openapi3.NewMediaType().WithSchema(openapi3.NewStringSchema())
				}
			}
		case r.contentType != "":
			ok.WithContent(openapi3.NewContentWithSchema(openapi3.NewStringSchema(), strings.Split(r.contentType, ", ")))
		}
		op.AddResponse(r.status, ok)
		if r.unavailable != nil {
			ref, err := schemaOf(r.unavailable)
			if err != nil {
				return nil, fmt.Errorf("error documenting %s %s: %w", r.method, r.path, err)
			}
			op.AddResponse(http.StatusServiceUnavailable, openapi3.NewResponse().WithDescription("Service Unavailable").WithJSONSchemaRef(ref))
		}
		if r.accepted != nil {
			ref, err := schemaOf(r.accepted)
			if err != nil {
				return nil, fmt.Errorf("error documenting %s %s: %w", r.method, r.path, err)
			}
			op.AddResponse(http.StatusAccepted, openapi3.NewResponse().WithDescription("Accepted").WithJSONSchemaRef(ref))
		}

		if r.body != nil {
			errorStatuses = append(errorStatuses, 400, 413, 415, 422)
		}
		if len(r.query) > 0 {
			errorStatuses = append(errorStatuses, 400, 422)
		}
		switch r.access {
		case signedIn, signedInAny:
			op.Security = &openapi3.SecurityRequirements{{"bearer": {}}}
			errorStatuses = append(errorStatuses, 401)
			if r.method != http.MethodGet {
				errorStatuses = append(errorStatuses, 403, 429) // cookie writes need X-Requested-With; write limit
			}
		case operator:
			op.Security = &openapi3.SecurityRequirements{{"bearer": {}}, {"basic": {}}}
			errorStatuses = append(errorStatuses, 401, 403)
		}
		if strings.Contains(r.path, ":id") {
			errorStatuses = append(errorStatuses, 404)
		}
		if r.method == http.MethodPut || r.method == http.MethodDelete {
			errorStatuses = append(errorStatuses, 409, 412)
		}
		if r.idempotent {
			errorStatuses = append(errorStatuses, 409)
		}
		if strings.HasPrefix(r.path, "/api/auth/") && r.access == public {
			errorStatuses = append(errorStatuses, 401, 403, 429)
		}
		for _, st := range errorStatuses {
			if op.Responses.Status(st) == nil {
				op.AddResponse(st, openapi3.NewResponse().WithDescription(http.StatusText(st)).WithJSONSchemaRef(errRef))
			}
		}
		op.AddResponse(500, openapi3.NewResponse().WithDescription("Internal Server Error").WithJSONSchemaRef(errRef))
		doc.AddOperation(path, r.method, op)
	}
	return json.Marshal(doc)
}

// customizeSchema maps our types to their JSON form and turns pointers into 3.1 null unions.
func customizeSchema(_ string, t reflect.Type, tag reflect.StructTag, schema *openapi3.Schema) error {
	if tag.Get("openapi") == "binary" {
		if schema.Items != nil && schema.Items.Value != nil {
			schema.Items.Value.Format = "binary"
		} else {
			schema.Format = "binary"
		}
	}
	switch t {
	case reflect.TypeFor[uuid.UUID]():
		*schema = openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "uuid", Nullable: schema.Nullable}
	case reflect.TypeFor[store.Date]():
		*schema = openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "date", Nullable: schema.Nullable}
	}
	if t.Kind() == reflect.Map && t.Elem().Kind() == reflect.Interface {
		*schema = openapi3.Schema{Type: &openapi3.Types{"object"}, Nullable: schema.Nullable,
			AdditionalProperties: openapi3.AdditionalProperties{Has: ptr(true)}}
	}
	if schema.Nullable && schema.Type != nil {
		*schema.Type = append(*schema.Type, openapi3.TypeNull)
		schema.Nullable = false
	}
	return nil
}

func (s *Server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(s.spec)
}

// fiberToOpenAPIPath turns /api/goals/:id into /api/goals/{id}.
func fiberToOpenAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if name, suffix, ok := pathParam(part); ok {
			parts[i] = "{" + name + "}" + suffix
		}
	}
	return strings.Join(parts, "/")
}

// pathParam splits a Fiber path segment such as ":n.png" into its parameter name and the
// literal text after it.
func pathParam(segment string) (name, suffix string, ok bool) {
	if !strings.HasPrefix(segment, ":") {
		return "", "", false
	}
	name = segment[1:]
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name, suffix = name[:i], name[i:]
	}
	return name, suffix, true
}

// operationID is a stable name for an operation: get_api_goals_id.
func operationID(method, path string) string {
	r := strings.NewReplacer("/", "_", ":", "", ".", "_", "-", "_")
	return strings.ToLower(method) + strings.TrimRight(r.Replace(path), "_")
}

func ptr[T any](v T) *T { return &v }

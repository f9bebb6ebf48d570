package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/mirubato/mirubato/internal/mail"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/imslp"
)

// access says who may call a route.
type access int

const (
	public        access = iota
	signedIn             // a valid access token of an existing account
	signedInAny          // the same, also while the account's deletion is pending
	operator             // an admin, or the OPS_USERNAME/OPS_PASSWORD credentials
	developerOnly        // development only; absent in production
)

// param documents a query parameter.
type param struct {
	name, description string
	enum              []string
}

// route is one row of the route table: how to serve it and how to document it.
type route struct {
	method, path string
	summary      string
	access       access
	handler      fiber.Handler
	body         any // request body type (zero value), nil for none
	form         any // multipart/form-data body, documented by a struct (zero value)
	accepted     any // a 202 answer's type besides the success one, nil for none
	response     any // success response type (zero value), nil for none
	status       int // success status
	contentType  string
	query        []param
	idempotent   bool // honours Idempotency-Key
	synced       bool // writes a user's synced data: in one transaction with its fan-out job
	extraStatus  []int
	unavailable  any // the body type of its 503, when not the error shape (the probes)
	// bigBody: the route takes bodies up to HTTP_MAX_BODY_BYTES (a whole account, a sync
	// push); others take smallBodyBytes at most.
	bigBody bool
}

// smallBodyBytes is the largest body of a route without bigBody: far more than any of their
// JSON documents, little enough that many at once cost little memory.
const smallBodyBytes = 256 << 10

// withSort documents the pagination and sort parameters of a list, then its filters.
func withSort(sorts []string, filters ...param) []param {
	return append([]param{
		{name: "limit", description: "items per page, 1–100 (default 20)"},
		{name: "cursor", description: "next_cursor of the previous page"},
		{name: "sort", description: "order", enum: sorts},
	}, filters...)
}

// table is the one route table of the API. Read it top to bottom; openapi.go documents it.
func (s *Server) table() []route {
	logbook, repertoire, goals := s.logbookResource(), s.repertoireResource(), s.goalResource()
	collections := s.collectionResource()
	return []route{
		// Probes and metrics.
		{method: "GET", path: "/livez", summary: "Liveness: the process runs", handler: s.livez, response: statusResponse{}, status: 200},
		{method: "GET", path: "/readyz", summary: "Readiness: the database answers", handler: s.readyz, response: statusResponse{}, status: 200, unavailable: statusResponse{}},
		{method: "GET", path: "/health", summary: "Health of each component", handler: s.health, response: healthBody{}, status: 200, unavailable: healthBody{}},
		{method: "GET", path: "/metrics", summary: "Prometheus metrics", handler: httpHandler(s.baseCtx, s.metrics.Handler()), status: 200, contentType: "text/plain"},
		{method: "GET", path: "/api/openapi.json", summary: "This API's OpenAPI 3.1 document", handler: s.openapi, status: 200, response: map[string]any{}},

		// Sign-in and sessions.
		{method: "GET", path: "/api/config", summary: "What a client needs before sign-in: the sign-in methods, whether this is a development server", handler: s.clientConfig, response: clientConfig{}, status: 200},
		{method: "POST", path: "/api/auth/magic-link", summary: "Email a single-use sign-in link (15 minutes)", handler: s.requestMagicLink, body: magicLinkRequest{}, response: messageResponse{}, status: 202, extraStatus: []int{429, 503}},
		{method: "POST", path: "/api/auth/magic-link/verify", summary: "Sign in with the token of a sign-in link", handler: s.verifyMagicLink, body: verifyMagicLinkRequest{}, response: sessionResponse{}, status: 200},
		{method: "POST", path: "/api/auth/google", summary: "Sign in with a Google ID token", handler: s.googleSignIn, body: googleRequest{}, response: sessionResponse{}, status: 200, extraStatus: []int{404, 409, 503}},
		{method: "POST", path: "/api/auth/refresh", summary: "Exchange a refresh token (body or cookie) for a new session; reuse revokes the session", handler: s.refresh, body: refreshRequest{}, response: sessionResponse{}, status: 200},
		{method: "POST", path: "/api/auth/logout", summary: "Revoke the session of a refresh token (body or cookie)", handler: s.logout, body: refreshRequest{}, status: 204},
		{method: "GET", path: "/api/auth/verify", summary: "Check an access token", access: signedIn, handler: s.verify, response: verifyResponse{}, status: 200},

		// The account.
		{method: "GET", path: "/api/user/me", summary: "The signed-in user", access: signedIn, handler: s.getMe, response: store.User{}, status: 200},
		{method: "PUT", path: "/api/user/me", summary: "Change the profile (If-Match: version)", access: signedIn, handler: s.updateMe, body: store.ProfileInput{}, response: store.User{}, status: 200},
		{method: "DELETE", path: "/api/user/me", summary: "Delete the account and everything it owns (by a job)", access: signedInAny, handler: s.deleteMe, response: deletionResponse{}, status: 202},
		{method: "GET", path: "/api/user/preferences", summary: "The user's preferences (a JSON object)", access: signedIn, handler: s.getPreferences, response: preferences{}, status: 200},
		{method: "PUT", path: "/api/user/preferences", summary: "Replace the preferences (at most 16 KiB)", access: signedIn, synced: true, handler: s.putPreferences, body: preferences{}, response: preferences{}, status: 200},

		// Logbook.
		{method: "GET", path: "/api/logbook/entries", summary: "List logbook entries", access: signedIn, handler: s.listLogbook, response: store.Page[store.LogbookEntry]{}, status: 200,
			query: withSort(store.LogbookSorts(),
				param{name: "from", description: "practiced at or after (date or RFC 3339)"},
				param{name: "to", description: "practiced before (date or RFC 3339)"},
				param{name: "instrument", description: "instrument, any case"},
				param{name: "type", description: "entry type", enum: []string{"practice", "performance", "lesson", "rehearsal", "technique", "other"}},
				param{name: "piece", description: "part of a piece's title or composer"},
				param{name: "tag", description: "has this tag"})},
		{method: "POST", path: "/api/logbook/entries", summary: "Create a logbook entry", access: signedIn, synced: true, handler: logbook.handleCreate(s), body: store.LogbookInput{}, response: store.LogbookEntry{}, status: 201, idempotent: true},
		{method: "GET", path: "/api/logbook/entries/:id", summary: "A logbook entry", access: signedIn, handler: logbook.handleGet(s), response: store.LogbookEntry{}, status: 200},
		{method: "PUT", path: "/api/logbook/entries/:id", summary: "Replace a logbook entry (If-Match: version)", access: signedIn, synced: true, handler: logbook.handleUpdate(s), body: store.LogbookInput{}, response: store.LogbookEntry{}, status: 200},
		{method: "DELETE", path: "/api/logbook/entries/:id", summary: "Delete a logbook entry", access: signedIn, synced: true, handler: logbook.handleDelete(s), status: 204},

		// Repertoire.
		{method: "GET", path: "/api/repertoire", summary: "List repertoire items", access: signedIn, handler: s.listRepertoire, response: store.Page[store.RepertoireItem]{}, status: 200,
			query: withSort(store.RepertoireSorts(),
				param{name: "status", description: "status", enum: []string{"planned", "learning", "polished", "performance_ready", "dropped"}},
				param{name: "composer", description: "part of the composer's name"})},
		{method: "POST", path: "/api/repertoire", summary: "Add a piece to the repertoire", access: signedIn, synced: true, handler: repertoire.handleCreate(s), body: store.RepertoireInput{}, response: store.RepertoireItem{}, status: 201, idempotent: true},
		{method: "GET", path: "/api/repertoire/:id", summary: "A repertoire item with its status history", access: signedIn, handler: repertoire.handleGet(s), response: store.RepertoireItem{}, status: 200},
		{method: "PUT", path: "/api/repertoire/:id", summary: "Replace a repertoire item (If-Match: version)", access: signedIn, synced: true, handler: repertoire.handleUpdate(s), body: store.RepertoireInput{}, response: store.RepertoireItem{}, status: 200},
		{method: "DELETE", path: "/api/repertoire/:id", summary: "Delete a repertoire item", access: signedIn, synced: true, handler: repertoire.handleDelete(s), status: 204},

		// Goals.
		{method: "GET", path: "/api/goals", summary: "List goals", access: signedIn, handler: s.listGoals, response: store.Page[store.Goal]{}, status: 200,
			query: withSort(store.GoalSorts(),
				param{name: "status", description: "status", enum: []string{"active", "completed", "abandoned"}},
				param{name: "type", description: "goal type", enum: []string{"practice_time", "repertoire", "tempo", "custom"}})},
		{method: "POST", path: "/api/goals", summary: "Create a goal", access: signedIn, synced: true, handler: goals.handleCreate(s), body: store.GoalInput{}, response: store.Goal{}, status: 201, idempotent: true},
		{method: "GET", path: "/api/goals/:id", summary: "A goal with its progress", access: signedIn, handler: goals.handleGet(s), response: store.Goal{}, status: 200},
		{method: "PUT", path: "/api/goals/:id", summary: "Replace a goal (If-Match: version)", access: signedIn, synced: true, handler: goals.handleUpdate(s), body: store.GoalInput{}, response: store.Goal{}, status: 200},
		{method: "DELETE", path: "/api/goals/:id", summary: "Delete a goal", access: signedIn, synced: true, handler: goals.handleDelete(s), status: 204},
		{method: "POST", path: "/api/goals/:id/progress", summary: "Record progress: value is added to the goal's current value", access: signedIn, synced: true, handler: s.addGoalProgress, body: store.ProgressInput{}, response: store.Goal{}, status: 201, idempotent: true},

		// Practice statistics, from the rollups; format=csv exports any of them.
		{method: "GET", path: "/api/analytics/summary", summary: "Practice on a span of days, grouped by day, week, month, piece, composer, instrument, type or mood", access: signedIn, handler: s.practiceSummary, response: store.AnalyticsSummary{}, status: 200, contentType: "text/csv",
			query: []param{
				{name: "from", description: "first day, YYYY-MM-DD in the user's timezone (default: 29 days before to)"},
				{name: "to", description: "last day, YYYY-MM-DD (default: today)"},
				{name: "group_by", description: "grouping (default day)", enum: store.GroupBys()},
				{name: "format", description: "json (default) or csv", enum: []string{"json", "csv"}},
			}},
		{method: "GET", path: "/api/analytics/streaks", summary: "Current and longest runs of practice days", access: signedIn, handler: s.practiceStreaks, response: store.Streaks{}, status: 200, contentType: "text/csv",
			query: []param{{name: "format", description: "json (default) or csv", enum: []string{"json", "csv"}}}},
		{method: "GET", path: "/api/analytics/heatmap", summary: "A calendar year's practice days, graded 1–4", access: signedIn, handler: s.practiceHeatmap, response: store.Heatmap{}, status: 200, contentType: "text/csv",
			query: []param{
				{name: "year", description: "calendar year (default: this year)"},
				{name: "format", description: "json (default) or csv", enum: []string{"json", "csv"}},
			}},
		{method: "GET", path: "/api/repertoire/:id/stats", summary: "A repertoire item's practice (matched by title and composer)", access: signedIn, handler: s.repertoireStats, response: store.PieceStats{}, status: 200, contentType: "text/csv",
			query: []param{{name: "format", description: "json (default) or csv", enum: []string{"json", "csv"}}}},

		// Export and import.
		{method: "GET", path: "/api/export", summary: "The whole account as JSON", access: signedIn, handler: s.export, response: store.Export{}, status: 200},
		{method: "GET", path: "/api/export/logbook.csv", summary: "The logbook as CSV", access: signedIn, handler: s.exportLogbookCSV, status: 200, contentType: "text/csv"},
		{method: "POST", path: "/api/import", summary: "Import an export (idempotent: rows are matched by id)", access: signedIn, synced: true, handler: s.importAccount, body: store.Export{}, response: store.ImportResult{}, status: 200, bigBody: true},

		// Scores: intake, the library, the pipeline's results.
		{method: "POST", path: "/api/scores", summary: "Upload a PDF score (multipart/form-data); processed by the pipeline", access: signedIn, handler: s.uploadScore, form: uploadForm{}, response: scoreResponse{}, status: 202, idempotent: true},
		{method: "POST", path: "/api/scores/images", summary: "Upload page images (PNG/JPEG, in page order), assembled into a PDF score", access: signedIn, handler: s.uploadImages, form: imagesForm{}, response: scoreResponse{}, status: 202, idempotent: true},
		{method: "GET", path: "/api/scores", summary: "List scores: mine and public ones, newest first", access: signedIn, handler: s.listScores, response: store.Page[store.Score]{}, status: 200,
			query: []param{
				{name: "limit", description: "items per page, 1–100 (default 20)"},
				{name: "cursor", description: "next_cursor of the previous page"},
				{name: "scope", description: "mine, or public (default: both)", enum: []string{"mine", "public"}},
				{name: "status", description: "pipeline status", enum: []string{store.ScoreProcessing, store.ScoreReady, store.ScoreFailed}},
			}},
		{method: "GET", path: "/api/scores/:id", summary: "A score (own, public or unlisted) and its pipeline", access: signedIn, handler: s.getScore, response: scoreResponse{}, status: 200},
		{method: "PUT", path: "/api/scores/:id", summary: "Set visibility and metadata corrections (If-Match: version)", access: signedIn, handler: s.updateScore, body: scoreUpdate{}, response: scoreResponse{}, status: 200},
		{method: "DELETE", path: "/api/scores/:id", summary: "Delete a score: its pending jobs are cancelled, its files deleted by a job", access: signedIn, handler: s.deleteScore, status: 204},
		{method: "POST", path: "/api/scores/:id/reprocess", summary: "Run the pipeline again (corrections are kept)", access: signedIn, handler: s.reprocessScore, response: scoreResponse{}, status: 202},
		{method: "GET", path: "/api/scores/:id/pages", summary: "The pages' text as read (text layer or OCR, with its confidence), 50 at a time", access: signedIn, handler: s.scorePages, response: scorePagesResponse{}, status: 200,
			query: []param{{name: "from", description: "the first page (default 1)"}}},
		{method: "GET", path: "/api/scores/:id/pages/:page", summary: "A page: /pages/3 as a PDF, /pages/3.png as an image", access: signedIn, handler: s.scorePage, status: 200, contentType: "application/pdf, image/png"},
		{method: "GET", path: "/api/scores/:id/thumbnail.png", summary: "The first page as a small image", access: signedIn, handler: s.scoreThumbnail, status: 200, contentType: "image/png"},
		{method: "GET", path: "/api/scores/:id/download", summary: "The original PDF", access: signedIn, handler: s.downloadScore, status: 200, contentType: "application/pdf"},
		{method: "GET", path: "/api/search", summary: "Search scores (mine and public): words, fuzzy composer, filters, facets", access: signedIn, handler: s.search, response: store.SearchResult{}, status: 200,
			query: []param{
				{name: "q", description: "words, accent-insensitive, over title, composer, opus, instrumentation and page text; a misspelled composer still matches"},
				{name: "composer", description: "filter: composer (fuzzy)"},
				{name: "instrument", description: "filter: a word of the instrumentation"},
				{name: "period", description: "filter: style period"},
				{name: "difficulty", description: "filter: difficulty 1–10"},
				{name: "scope", description: "all (default) or mine", enum: []string{"all", "mine"}},
				{name: "facets", description: "false leaves out the facet counts", enum: []string{"true", "false"}},
				{name: "limit", description: "hits per page, 1–100 (default 20)"},
				{name: "offset", description: "hits to skip"},
			}},
		{method: "GET", path: "/api/composers", summary: "Composers of the scores I can see, with counts", access: signedIn, handler: s.composers, response: composersResponse{}, status: 200,
			query: []param{{name: "q", description: "name, fuzzy"}, {name: "limit", description: "1–500 (default 50)"}}},
		{method: "PUT", path: "/api/scores/:id/favorite", summary: "Mark a score as a favourite (idempotent)", access: signedIn, synced: true, handler: s.setFavorite(true), status: 204},
		{method: "DELETE", path: "/api/scores/:id/favorite", summary: "Unmark a favourite (idempotent)", access: signedIn, synced: true, handler: s.setFavorite(false), status: 204},
		{method: "GET", path: "/api/favorites", summary: "My favourite scores, newest first", access: signedIn, handler: s.favorites, response: favoritesResponse{}, status: 200},

		// Collections.
		{method: "GET", path: "/api/collections", summary: "My collections, newest first", access: signedIn, handler: s.listCollections, response: store.Page[store.Collection]{}, status: 200,
			query: []param{{name: "limit", description: "items per page, 1–100 (default 20)"}, {name: "cursor", description: "next_cursor of the previous page"}}},
		{method: "POST", path: "/api/collections", summary: "Create a collection (public ones get a slug)", access: signedIn, synced: true, handler: collections.handleCreate(s), body: store.CollectionInput{}, response: store.Collection{}, status: 201, idempotent: true},
		{method: "GET", path: "/api/collections/:id", summary: "A collection and its scores, in order", access: signedIn, handler: s.getCollection, response: collectionResponse{}, status: 200},
		{method: "PUT", path: "/api/collections/:id", summary: "Rename, describe, publish or unpublish a collection (If-Match: version)", access: signedIn, synced: true, handler: collections.handleUpdate(s), body: store.CollectionInput{}, response: store.Collection{}, status: 200},
		{method: "DELETE", path: "/api/collections/:id", summary: "Delete a collection (not its scores)", access: signedIn, synced: true, handler: collections.handleDelete(s), status: 204},
		{method: "POST", path: "/api/collections/:id/scores", summary: "Add a score I can see to the end of a collection", access: signedIn, synced: true, handler: s.addToCollection, body: addScoreRequest{}, response: collectionResponse{}, status: 200},
		{method: "PUT", path: "/api/collections/:id/scores", summary: "Reorder: the collection's score ids, each once, in the new order", access: signedIn, synced: true, handler: s.reorderCollection, body: reorderRequest{}, response: collectionResponse{}, status: 200},
		{method: "DELETE", path: "/api/collections/:id/scores/:score", summary: "Take a score out of a collection", access: signedIn, synced: true, handler: s.removeFromCollection, response: collectionResponse{}, status: 200},
		{method: "GET", path: "/api/public/collections/:slug", summary: "A public collection by its slug, for anyone", handler: s.publicCollection, response: collectionResponse{}, status: 200, extraStatus: []int{404}},

		{method: "POST", path: "/api/import/url", summary: "Import a PDF score from an http(s) URL: recorded at once (202), downloaded by the pipeline's fetch step (size-limited, no private addresses) and checked as an upload", access: signedIn, handler: s.importURL, body: urlImport{}, response: scoreResponse{}, status: 202, idempotent: true},
		{method: "POST", path: "/api/import/imslp", summary: "Import a work from IMSLP (its URL, page id or title): a batch of one", access: signedIn, handler: s.importIMSLP, body: imslpWork{}, response: imslp.Batch{}, status: 202, idempotent: true, extraStatus: []int{409}},
		{method: "POST", path: "/api/import/imslp/batch", summary: "Import a list of IMSLP works, or a composer's works (instrumentation filter, limit)", access: signedIn, handler: s.importIMSLPBatch, body: imslp.Request{}, response: imslp.Batch{}, status: 202, idempotent: true, extraStatus: []int{409}},
		{method: "GET", path: "/api/import/imslp", summary: "My latest IMSLP imports, newest first", access: signedIn, handler: s.listIMSLPBatches, response: batchList{}, status: 200,
			query: []param{{name: "limit", description: "1–100 (default 20)"}}},
		{method: "GET", path: "/api/import/imslp/:id/items", summary: "An IMSLP import's works and their outcomes (why each was skipped or failed)", access: signedIn, handler: s.imslpItems, response: store.Page[imslp.Item]{}, status: 200,
			query: []param{{name: "limit", description: "items per page, 1–100 (default 20)"}, {name: "cursor", description: "next_cursor of the previous page"},
				{name: "state", description: "only works in this state", enum: []string{"queued", "imported", "duplicate", "skipped", "failed", "cancelled"}}}},
		{method: "GET", path: "/api/import/status/:id", summary: "An import's status: an IMSLP batch's works by state and progress, or a score's pipeline (by the score's id)", access: signedIn, handler: s.importStatus, response: importStatusResponse{}, status: 200},
		{method: "DELETE", path: "/api/import/status/:id", summary: "Cancel an IMSLP import: works not imported yet end as cancelled", access: signedIn, handler: s.cancelImport, response: imslp.Batch{}, status: 200, extraStatus: []int{409}},

		// Dictionary.
		{method: "GET", path: "/api/languages", summary: "The dictionary's languages", handler: s.languages, response: languagesResponse{}, status: 200},
		{method: "GET", path: "/api/terms/:term", summary: "A term's dictionary entry; with generate=true a missing one is written by a job (202)", access: signedIn, handler: s.lookupTerm, response: store.DictionaryEntry{}, status: 200, accepted: definitionRequest{}, extraStatus: []int{404},
			query: []param{{name: "lang", description: "language (default en)", enum: []string{"en", "es", "fr", "de", "zh-CN", "zh-TW"}},
				{name: "generate", description: "true: write a missing definition", enum: []string{"true", "false"}}}},
		{method: "GET", path: "/api/search/terms", summary: "Search the dictionary: hybrid (default: lexical and semantic fused by reciprocal rank), lexical or semantic", access: signedIn, handler: s.searchTerms, response: termSearchResponse{}, status: 200,
			query: []param{{name: "q", description: "words"}, {name: "lang", description: "language (default en)", enum: []string{"en", "es", "fr", "de", "zh-CN", "zh-TW"}},
				{name: "type", description: "term type"}, {name: "mode", description: "hybrid (default), lexical or semantic", enum: []string{"hybrid", "lexical", "semantic"}},
				{name: "limit", description: "1–50 (default 10)"}}},
		{method: "POST", path: "/api/search/semantic", summary: "Search the dictionary by meaning", access: signedIn, handler: s.semanticSearch, body: semanticRequest{}, response: termSearchResponse{}, status: 200},
		{method: "GET", path: "/api/terms/requests/:job", summary: "The state of a definition request", access: signedIn, handler: s.definitionStatus, response: definitionRequest{}, status: 200, extraStatus: []int{404}},
		{method: "POST", path: "/api/terms/generate", summary: "Ask for a term's definition in a language: the entry if it is there (200), else the job writing it (202); regenerate is for admins", access: signedIn, handler: s.generateTerm, body: generateRequest{}, response: store.DictionaryEntry{}, status: 200, accepted: definitionRequest{}},
		{method: "POST", path: "/api/terms/generate/batch", summary: "Ask for up to 50 definitions at once", access: signedIn, handler: s.generateBatch, body: generateBatchRequest{}, response: generateBatchResponse{}, status: 202},
		{method: "GET", path: "/api/terms/:term/translations", summary: "A term's entries in every language, and the languages it lacks (generate=true asks for them)", access: signedIn, handler: s.termTranslations, response: translationsResponse{}, status: 200,
			query: []param{{name: "generate", description: "true: ask for the missing languages", enum: []string{"true", "false"}}}},
		{method: "GET", path: "/api/terms/:term/versions", summary: "An entry's versions, newest first", access: signedIn, handler: s.termVersions, response: versionsResponse{}, status: 200, extraStatus: []int{404},
			query: []param{{name: "lang", description: "language (default en)", enum: []string{"en", "es", "fr", "de", "zh-CN", "zh-TW"}}}},
		{method: "POST", path: "/api/terms/:id/feedback", summary: "Say whether an entry helped (replaces my earlier answer); the entry's counts", access: signedIn, handler: s.termFeedback, body: store.Feedback{}, response: store.FeedbackSummary{}, status: 200},
		{method: "POST", path: "/api/terms/:id/report", summary: "Report a wrong or harmful entry (once per version; three readers send it back to review)", access: signedIn, handler: s.reportTerm, body: reportRequest{}, response: store.Report{}, status: 201, extraStatus: []int{200}},
		{method: "GET", path: "/api/analytics/popular", summary: "The dictionary's most used entries lately", access: signedIn, handler: s.popularTerms, response: popularResponse{}, status: 200,
			query: []param{{name: "lang", description: "only this language", enum: []string{"en", "es", "fr", "de", "zh-CN", "zh-TW"}},
				{name: "days", description: "1–90 (default 7)"}, {name: "limit", description: "1–100 (default 10)"}}},
		{method: "POST", path: "/api/analytics/track", summary: "Count readers' use of entries (up to 100 events; no reader is recorded)", access: signedIn, handler: s.trackUsage, body: trackRequest{}, response: trackResponse{}, status: 202},

		// Sync (docs/sync-protocol.md).
		{method: "GET", path: "/api/sync/ws", summary: "The sync WebSocket (HELLO, PUSH, CHANGES, BULK_SYNC, …)", access: signedIn, handler: s.syncUpgrade, status: 101, extraStatus: []int{426}},
		{method: "POST", path: "/api/sync/push", summary: "Push a device's changes (REST fallback of PUSH)", access: signedIn, handler: s.syncPush, body: pushRequest{}, response: pushResponse{}, status: 200, bigBody: true},
		{method: "GET", path: "/api/sync/pull", summary: "My changes after a cursor, a page at a time (REST fallback of CHANGES)", access: signedIn, handler: s.syncPull, response: pullResponse{}, status: 200, extraStatus: []int{410},
			query: []param{{name: "since", description: "the cursor of the last change received (default 0)"}, {name: "limit", description: "1–250 (default 250)"},
				{name: "device_id", description: "the pulling device, recorded as seen"}}},
		{method: "GET", path: "/api/sync/status", summary: "My latest change's cursor and the server's time", access: signedIn, handler: s.syncStatus, response: syncStatus{}, status: 200},
		{method: "GET", path: "/api/sync/devices", summary: "My devices, connected or last seen", access: signedIn, handler: s.syncDevices, response: devicesResponse{}, status: 200},

		// Operators.
		{method: "GET", path: "/api/ops/pipelines", summary: "Operators: each queue's depth, oldest job, throughput and failures over the last hour; recent failures; IMSLP imports", access: operator, handler: s.pipelines, response: pipelinesResponse{}, status: 200},
		{method: "POST", path: "/api/ops/jobs/:id/retry", summary: "Operators: run a failed (retryable or discarded) job again now", access: operator, handler: s.retryJob, response: retriedJob{}, status: 200, extraStatus: []int{400, 409}},

		// Development.
		{method: "GET", path: "/dev/mailbox", summary: "Emails the dev mailbox kept (development without SMTP)", access: developerOnly, handler: s.devMailbox, response: []mail.Message{}, status: 200},
	}
}

// routes registers the middleware and the route table.
func (s *Server) routes(riverUI fiber.Handler) {
	app := s.app
	app.Use(requestid.New())
	app.Use(s.accessLog) // outside recover, so a panic is logged as the 500 it becomes
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	app.Use(s.limitBody)
	app.Use(checkRequestText)

	for _, r := range s.table() {
		var chain []fiber.Handler
		switch r.access {
		case signedIn:
			chain = append(chain, s.authenticate(false))
		case signedInAny:
			chain = append(chain, s.authenticate(true))
		case operator:
			chain = append(chain, s.requireOperator)
		case developerOnly:
			if !s.cfg.Development() {
				continue
			}
		}
		if len(r.path) > len("/api/auth/") && r.path[:len("/api/auth/")] == "/api/auth/" && r.access == public {
			chain = append(chain, s.limitAuthByIP)
		}
		if (r.access == signedIn || r.access == signedInAny) && r.method != fiber.MethodGet {
			chain = append(chain, s.limitWrites)
		}
		// The body is read once the request is known to be allowed (signed in, under its
		// limits), up to the route's own limit.
		if r.form != nil {
			s.uploads[strings.ToLower(r.path)] = true
			chain = append(chain, s.readForm(s.scores.Limits.MaxBytes+1<<20)) // files and the form's framing
		} else {
			limit := min(smallBodyBytes, int64(s.cfg.MaxBodyBytes))
			if r.bigBody {
				limit = int64(s.cfg.MaxBodyBytes)
			}
			chain = append(chain, readBody(limit))
		}
		if r.idempotent || r.synced {
			chain = append(chain, s.writeTxFor(r.synced, r.idempotent))
		}
		app.Add(r.method, r.path, append(chain, r.handler)...)
	}

	// Operators: River UI (its own routes under this prefix).
	app.Group("/ops", s.requireOperator, readBody(int64(s.cfg.MaxBodyBytes))).Use("/river", riverUI)
	// Last: the browser client's files, and its routes (SPA fallback).
	app.Use(s.serveWeb)
}

// statusResponse is the body of the probes: status ok, or down with a message saying why.
type statusResponse struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

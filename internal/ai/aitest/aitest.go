// Package aitest is a loopback server that speaks the OpenAI chat completions and
// embeddings protocols, for tests of code that calls an OpenAI-compatible service.
package aitest

import (
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Reply is one answer: a status (200: a completion whose message content is Content) and,
// for errors, an optional Retry-After.
type Reply struct {
	Status     int
	RetryAfter string
	Content    string
	// Dims, for embeddings, overrides the dimensions asked for (to answer wrongly).
	Dims int
}

// Server answers POST /v1/chat/completions with its replies in turn; the last one repeats.
// It checks the bearer key.
type Server struct {
	URL string // base URL, ending in /v1
	Key string

	mu       sync.Mutex
	replies  []Reply
	requests []map[string]any
}

// New starts a server on loopback until the test ends.
func New(t testing.TB, key string, replies ...Reply) *Server {
	s := &Server{Key: key, replies: replies}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v1"
	return s
}

// SetReplies replaces the replies still to come.
func (s *Server) SetReplies(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies = replies
}

// Requests returns the request bodies received so far.
func (s *Server) Requests() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.requests...)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodPost || (r.URL.Path != "/v1/chat/completions" && r.URL.Path != "/v1/embeddings") {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"message":"no such endpoint","type":"invalid_request_error"}}`))
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Key {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"message":"invalid api key","type":"invalid_request_error"}}`))
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req map[string]any
	_ = json.Unmarshal(body, &req)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	reply := Reply{Status: http.StatusInternalServerError}
	if len(s.replies) > 0 {
		reply = s.replies[0]
		if len(s.replies) > 1 {
			s.replies = s.replies[1:]
		}
	}
	s.mu.Unlock()
	if reply.Status != http.StatusOK {
		if reply.RetryAfter != "" {
			w.Header().Set("Retry-After", reply.RetryAfter)
		}
		w.WriteHeader(reply.Status)
		_, _ = w.Write([]byte(`{"error":{"message":"try again","type":"server_error"}}`))
		return
	}
	if r.URL.Path == "/v1/embeddings" {
		_, _ = w.Write(embeddings(req, reply.Dims))
		return
	}
	out, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1, "model": req["model"],
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": reply.Content}}},
	})
	_, _ = w.Write(out)
}

// embeddings answers an embeddings request: for each input, a vector of the dimensions asked
// for (default 8) that depends only on the text, in reverse order of the inputs (the index
// field says which is which, as the protocol allows).
func embeddings(req map[string]any, dims int) []byte {
	if dims == 0 {
		if d, ok := req["dimensions"].(float64); ok && d > 0 {
			dims = int(d)
		} else {
			dims = 8
		}
	}
	inputs, _ := req["input"].([]any)
	data := make([]map[string]any, 0, len(inputs))
	for i := len(inputs) - 1; i >= 0; i-- {
		text, _ := inputs[i].(string)
		h := fnv.New64a()
		_, _ = h.Write([]byte(text))
		seed := h.Sum64()
		vec := make([]float32, dims)
		for j := range vec {
			seed = seed*6364136223846793005 + 1442695040888963407
			vec[j] = float32(int64(seed>>33)%2000-1000) / 1000
		}
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": vec})
	}
	out, _ := json.Marshal(map[string]any{"object": "list", "data": data, "model": req["model"],
		"usage": map[string]any{"prompt_tokens": len(inputs), "total_tokens": len(inputs)}})
	return out
}

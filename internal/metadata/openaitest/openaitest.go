// Package openaitest is a loopback server that speaks the OpenAI chat completions protocol,
// for tests of code that calls an OpenAI-compatible service.
package openaitest

import (
	"encoding/json"
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
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
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
	out, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1, "model": req["model"],
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": reply.Content}}},
	})
	_, _ = w.Write(out)
}

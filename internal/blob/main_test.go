package blob_test

import (
	"testing"

	"github.com/mirubato/mirubato/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The orders service in Go: net/http with otelhttp for the SERVER and CLIENT spans, pgx with
// otelpgx for a span per query, and the OTLP/HTTP trace exporter. Everything about where and how
// to export (endpoint, batch delay, sampler, service name) comes from the OTEL_* environment, which
// tracewright's startService sets; nothing here knows about the test.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

type item struct {
	Sku      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

type order struct {
	ID    int    `json:"id"`
	Items []item `json:"items"`
}

type server struct {
	db        *pgxpool.Pool
	client    *http.Client
	pricesURL string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// otlptracehttp, the batch span processor and resource.Default read their OTEL_* variables.
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		log.Fatalf("otlp exporter: %v", err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(resource.Default()))
	otel.SetTracerProvider(provider)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))

	config, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatalf("DATABASE_URL: %v", err)
	}
	config.ConnConfig.Tracer = otelpgx.NewTracer()
	db, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		log.Fatalf("postgres: %v", err)
	}
	s := &server{db: db, client: &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}, pricesURL: os.Getenv("PRICES_URL")}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("GET /orders", s.orders)
	mux.HandleFunc("GET /quote/{sku}", s.quote)
	mux.HandleFunc("GET /work", work)
	// The health probe is left out of the traces; every other route gets a SERVER span named after it.
	handler := otelhttp.NewHandler(mux, "http.server", otelhttp.WithFilter(func(r *http.Request) bool { return r.URL.Path != "/health" }))
	httpServer := &http.Server{Addr: "127.0.0.1:" + os.Getenv("PORT"), Handler: handler}
	go func() {
		<-ctx.Done()
		_ = httpServer.Shutdown(context.Background())
	}()
	log.Printf("listening on %s", httpServer.Addr)
	if err := httpServer.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	db.Close()
	_ = provider.Shutdown(context.Background())
}

// orders lists a customer's orders with their items: two queries, or one items query per order
// with ?nPlusOne=1 (the bug the spec catches).
func (s *server) orders(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rows, err := s.db.Query(ctx, "SELECT id FROM orders WHERE customer = $1 ORDER BY id", r.URL.Query().Get("customer"))
	if err != nil {
		fail(w, err)
		return
	}
	orders := []*order{}
	ids := []int{}
	byID := map[int]*order{}
	for rows.Next() {
		o := &order{Items: []item{}}
		if err := rows.Scan(&o.ID); err != nil {
			fail(w, err)
			return
		}
		orders = append(orders, o)
		ids = append(ids, o.ID)
		byID[o.ID] = o
	}
	if err := rows.Err(); err != nil {
		fail(w, err)
		return
	}
	if r.URL.Query().Get("nPlusOne") == "1" {
		for _, o := range orders {
			if err := s.items(ctx, byID, "SELECT order_id, sku, quantity FROM order_items WHERE order_id = $1 ORDER BY sku", o.ID); err != nil {
				fail(w, err)
				return
			}
		}
	} else if err := s.items(ctx, byID, "SELECT order_id, sku, quantity FROM order_items WHERE order_id = ANY($1) ORDER BY order_id, sku", ids); err != nil {
		fail(w, err)
		return
	}
	w.Header().Set("content-type", "application/json")
	_ = json.NewEncoder(w).Encode(orders)
}

func (s *server) items(ctx context.Context, byID map[int]*order, sql string, arg any) error {
	rows, err := s.db.Query(ctx, sql, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var it item
		if err := rows.Scan(&id, &it.Sku, &it.Quantity); err != nil {
			return err
		}
		byID[id].Items = append(byID[id].Items, it)
	}
	return rows.Err()
}

// work makes ?spans=N child spans (default 3) and does nothing else: the settle stress test
// (test/reliability/settle-completeness.test.ts) sends it thousands of times, including one request
// of more than 512 spans, which the batch span processor exports in several batches.
func work(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("spans"))
	if err != nil {
		n = 3
	}
	tracer := otel.Tracer("orders-go")
	for i := 0; i < n; i++ {
		_, span := tracer.Start(r.Context(), "step "+strconv.Itoa(i))
		span.End()
	}
	_, _ = io.WriteString(w, "done")
}

// quote asks the prices service downstream; a failure there is a 502 here.
func (s *server) quote(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, s.pricesURL+"/"+r.PathValue("sku"), nil)
	if err != nil {
		fail(w, err)
		return
	}
	res, err := s.client.Do(req)
	if err != nil {
		http.Error(w, fmt.Sprintf("prices unreachable: %v", err), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		http.Error(w, fmt.Sprintf("prices answered %d", res.StatusCode), http.StatusBadGateway)
		return
	}
	w.Header().Set("content-type", "application/json")
	_, _ = w.Write(body)
}

func fail(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using PgReachExporter.Configuration;

namespace PgReachExporter.Web;

/// <summary>
/// The query of GET /probe: <c>target=NAME</c> (a configured target) or <c>target=HOST:PORT&amp;module=M</c>, nothing
/// else. Any other parameter (password=, user=, sslmode=, ...) is refused rather than ignored: credentials and the
/// identity come from the module's configuration only, never from a URL that lands in logs and browser histories.
/// </summary>
internal sealed record ProbeQuery(string Target, string? Module)
{
    public const string TargetParameter = "target";
    public const string ModuleParameter = "module";
    private const int MaxTargetLength = 300;

    /// <summary>Parses a query string ("?target=..."); null with the reason for a 400 otherwise.</summary>
    public static ProbeQuery? Parse(string? queryString, out string? problem)
    {
        var query = QueryHelpers.ParseQuery(queryString);
        var unknown = query.Keys.Where(k => k is not (TargetParameter or ModuleParameter)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            problem = $"unknown query parameter {string.Join(", ", unknown.Select(ConfigurationError.Quote))} (known: target, module); "
                + "credentials and connection settings come from the module's configuration, never from the request";
            return null;
        }

        string? Single(string key, out string? why)
        {
            why = null;
            if (!query.TryGetValue(key, out var values))
            {
                return null;
            }

            if (values.Count != 1)
            {
                why = $"{key} is given {values.Count} times; give it once";
                return null;
            }

            if (string.IsNullOrWhiteSpace(values[0]) || values[0]!.Any(char.IsControl))
            {
                why = $"{key} is empty or contains control characters";
                return null;
            }

            return values[0];
        }

        var target = Single(TargetParameter, out problem);
        if (problem is not null)
        {
            return null;
        }

        var module = Single(ModuleParameter, out problem);
        if (problem is not null)
        {
            return null;
        }

        if (target is null)
        {
            problem = "target is missing: /probe?target=NAME for a configured target, /probe?target=HOST:PORT&module=M for another";
            return null;
        }

        if (target.Length > MaxTargetLength)
        {
            problem = $"target is longer than {MaxTargetLength} characters";
            return null;
        }

        return new ProbeQuery(target, module);
    }

    /// <summary>
    /// The time a request may take, as the blackbox exporter computes it: the scraper's
    /// X-Prometheus-Scrape-Timeout-Seconds (120 s when absent) minus the offset, or the module's (target's) timeout when
    /// that is shorter or the offset leaves nothing. Null with the reason when the header is not a positive number.
    /// </summary>
    public static TimeSpan? Budget(string? scrapeTimeoutHeader, TimeSpan timeout, TimeSpan offset, out string? problem)
    {
        problem = null;
        var scrape = 120.0;
        if (!string.IsNullOrEmpty(scrapeTimeoutHeader))
        {
            if (!double.TryParse(scrapeTimeoutHeader, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out scrape) || scrape <= 0 || double.IsInfinity(scrape))
            {
                problem = $"X-Prometheus-Scrape-Timeout-Seconds {ConfigurationError.Quote(scrapeTimeoutHeader)} is not a positive number of seconds";
                return null;
            }
        }

        var max = TimeSpan.FromSeconds(Math.Min(scrape, TimeSpan.FromDays(1).TotalSeconds)) - offset;
        return max <= TimeSpan.Zero || timeout < max ? timeout : max;
    }
}

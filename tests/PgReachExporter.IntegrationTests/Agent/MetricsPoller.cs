namespace PgReachExporter.IntegrationTests.Agent;

/// <summary>Scrapes /metrics until a condition holds, within a bound; never a fixed sleep.</summary>
public static class MetricsPoller
{
    public static async Task<Scrape> WaitForAsync(HttpClient http, Func<Scrape, bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        Scrape scrape;
        do
        {
            scrape = Scrape.Parse(await http.GetStringAsync("/metrics"));
            if (condition(scrape))
            {
                return scrape;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Condition not met{(because is null ? "" : $" ({because})")} within the bound; last scrape:\n{scrape.Text}");
    }
}

using PgReachExporter.Configuration;
using static PgReachExporter.Tests.Configuration.ConfigurationReading;

namespace PgReachExporter.Tests.Configuration;

/// <summary>
/// Generated configurations end in exactly one of two ways: a valid configuration carrying exactly the values given,
/// or a <see cref="ConfigurationException"/> whose message is one line naming the broken field (and no password).
/// Never another exception, a hang, or a valid result that ignored a broken value.
/// </summary>
public sealed class ConfigurationFuzzTests
{
    private const int Seed = 20261202;
    private const int Cases = 400;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Generated_configurations_are_read_exactly_or_refused_in_one_line_naming_the_field()
    {
        var random = new Random(Seed);
        var valid = 0;
        for (var index = 0; index < Cases; index++)
        {
            var fuzz = ConfigurationFuzzCases.Generate(random, index);
            var context = $"case {index} ({fuzz.Description}): {Cut(fuzz.Json)}";
            AgentSettings? settings = null;
            ConfigurationException? refused = null;
            try
            {
                settings = await Task.Run(() => Read(fuzz.Json)).WaitAsync(PerCase);
            }
            catch (ConfigurationException ex)
            {
                refused = ex;
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{context}: reading took more than {PerCase.TotalSeconds:0} s");
            }
            catch (Exception ex)
            {
                Assert.Fail($"{context}: {ex.GetType().Name} instead of a configuration error: {Cut(ex.Message)}");
            }

            if (fuzz.BrokenField is null)
            {
                Assert.True(settings is not null, $"{context}: refused: {Cut(refused?.Message ?? "")}");
                AssertCarries(fuzz.Targets, settings, context);
                valid++;
            }
            else
            {
                Assert.True(refused is not null, $"{context}: accepted although {fuzz.BrokenField} is broken");
                var message = refused.Message;
                Assert.False(message.Contains('\n') || message.Contains('\r'), $"{context}: message of more than one line: {Cut(message)}");
                Assert.True(message.Contains($"{fuzz.BrokenField}': ", StringComparison.Ordinal), $"{context}: message does not name {fuzz.BrokenField}: {Cut(message)}");
                Assert.True(message.Length < 4_000, $"{context}: a message of {message.Length} characters");
                foreach (var target in fuzz.Targets)
                {
                    Assert.False(message.Contains(target.Password, StringComparison.Ordinal), $"{context}: the message shows a password");
                }
            }
        }

        // The generator's share of valid cases is a quarter; far fewer would mean the checks above barely ran on them.
        Assert.InRange(valid, Cases / 8, Cases / 2);
    }

    private static void AssertCarries(IReadOnlyList<FuzzTarget> expected, AgentSettings settings, string context)
    {
        Assert.Equal(expected.Count, settings.Targets.Length);
        foreach (var (want, got) in expected.Zip(settings.Targets))
        {
            var actual = new FuzzTarget(got.Name, got.Host, got.Port, got.Database, got.Username, got.Password.Read() ?? "",
                got.SslMode, got.Interval, got.ConnectTimeout);
            Assert.True(want == actual, $"{context}: read {actual}, generated {want}");
        }
    }

    private static string Cut(string text) => text.Length <= 400 ? text : text[..400] + "…";
}

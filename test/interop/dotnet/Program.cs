// One run of a .NET client against the mock Entra ID, for test/interop/dotnet.interop.test.ts.
//
//   dotnet InteropClient.dll <mode> '<json arguments>'
//
// Modes:
//   msal      MSAL.NET ConfidentialClientApplication with a certificate, AcquireTokenForClient
//   identity  Azure.Identity ClientCertificateCredential.GetTokenAsync
//   graph     Microsoft Graph SDK (GraphServiceClient) with that credential: Users and Organization
//   keyvault  Azure.Security.KeyVault.Certificates CertificateClient.GetCertificateAsync(name) with
//             Azure.Identity's ManagedIdentityCredential from App Service's IDENTITY_ENDPOINT and
//             IDENTITY_HEADER (set in the environment by the test, as App Service sets them); url is the vault
//
// Arguments (JSON object): url, tenant, clientId, caPath, and
//   pfxPath + pfxPassword  the certificate and its key (msal, identity, graph), or
//   pemPath                one PEM file with certificate and key (identity only: the path overload)
//   sendX5C                msal: WithCertificate(cert, sendX5C); identity/graph: SendCertificateChain
//   audTenant              msal only: sign aud for this tenant's token endpoint (WithClientClaims)
//   scope                  default https://graph.microsoft.com/.default
//   name                   keyvault: the certificate's name in the vault
//
// It prints exactly one JSON line on stdout: {ok, accessToken?, error?, aadsts?, message?, calls?}
// and exits 0 whatever the outcome; the test judges the line. Exit code 2: the arguments were bad.
//
// TLS: the mock's certificate is issued by a local CA (caPath). It is trusted by a validation
// callback that builds the chain with X509ChainTrustMode.CustomRootTrust and that CA alone as the
// root; the host name check stays on. Nothing here turns validation off.
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Certificates;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Identity.Client;
using Microsoft.Kiota.Authentication.Azure;

namespace InteropClient;

internal sealed record Arguments(
    string Url,
    string Tenant,
    string ClientId,
    string CaPath,
    string? PfxPath,
    string? PfxPassword,
    string? PemPath,
    bool SendX5C,
    string? AudTenant,
    string Scope,
    string? Name);

internal static partial class Program
{
    private const string DefaultScope = "https://graph.microsoft.com/.default";

    private static async Task<int> Main(string[] argv)
    {
        if (argv.Length != 2)
        {
            await Console.Error.WriteLineAsync("usage: InteropClient <msal|identity|graph> '<json arguments>'");
            return 2;
        }
        Arguments args;
        try
        {
            args = ParseArguments(argv[1]);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"bad arguments: {e.Message}");
            return 2;
        }

        JsonObject result;
        try
        {
            result = argv[0] switch
            {
                "msal" => await RunMsal(args),
                "identity" => await RunIdentity(args),
                "graph" => await RunGraph(args),
                "keyvault" => await RunKeyVault(args),
                _ => throw new ArgumentException($"unknown mode {argv[0]}"),
            };
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (Exception e)
        {
            result = Failure(e);
        }
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    private static Arguments ParseArguments(string json)
    {
        var node = JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("the arguments are not a JSON object");
        string Required(string name) => node[name]?.GetValue<string>() is { Length: > 0 } value ? value : throw new ArgumentException($"{name} is missing");
        string? Optional(string name) => node[name]?.GetValue<string>();
        return new Arguments(
            Url: Required("url").TrimEnd('/'),
            Tenant: Required("tenant"),
            ClientId: Required("clientId"),
            CaPath: Required("caPath"),
            PfxPath: Optional("pfxPath"),
            PfxPassword: Optional("pfxPassword"),
            PemPath: Optional("pemPath"),
            SendX5C: node["sendX5C"]?.GetValue<bool>() ?? false,
            AudTenant: Optional("audTenant"),
            Scope: Optional("scope") ?? DefaultScope,
            Name: Optional("name"));
    }

    // ── MSAL.NET ────────────────────────────────────────────────────────────────────────────────

    private static async Task<JsonObject> RunMsal(Arguments args)
    {
        using var http = TrustingHttpClient(args.CaPath);
        using var certificate = LoadPfx(args);
        var builder = ConfidentialClientApplicationBuilder.Create(args.ClientId)
            // A host that is not a Microsoft cloud: no authority validation and no instance
            // discovery (which would ask login.microsoftonline.com about it).
            .WithAuthority($"{args.Url}/{args.Tenant}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new FixedHttpClientFactory(http));
        if (args.AudTenant is { } audTenant)
        {
            // The default claims, with aud replaced: MSAL signs what it is given.
            var claims = new Dictionary<string, string> { ["aud"] = $"https://login.microsoftonline.com/{audTenant}/oauth2/v2.0/token" };
#pragma warning disable CS0618 // obsolete in favour of WithExtraClientAssertionClaims, an extensibility API "not to be used by applications directly"
            builder = builder.WithClientClaims(certificate, claims, mergeWithDefaultClaims: true, sendX5C: args.SendX5C);
#pragma warning restore CS0618
        }
        else
        {
            builder = builder.WithCertificate(certificate, args.SendX5C);
        }
        var app = builder.Build();
        var token = await app.AcquireTokenForClient([args.Scope]).ExecuteAsync();
        return new JsonObject { ["ok"] = true, ["accessToken"] = token.AccessToken };
    }

    private sealed class FixedHttpClientFactory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }

    // ── Azure.Identity ──────────────────────────────────────────────────────────────────────────

    private static ClientCertificateCredential Credential(Arguments args, HttpClient http)
    {
        var options = new ClientCertificateCredentialOptions
        {
            AuthorityHost = new Uri(args.Url),
            DisableInstanceDiscovery = true,
            SendCertificateChain = args.SendX5C,
            Transport = new HttpClientTransport(http),
        };
        options.Retry.MaxRetries = 0; // a refusal is the answer under test, not a reason to retry
        if (args.PemPath is { } pem) return new ClientCertificateCredential(args.Tenant, args.ClientId, pem, options);
        return new ClientCertificateCredential(args.Tenant, args.ClientId, LoadPfx(args), options);
    }

    private static async Task<JsonObject> RunIdentity(Arguments args)
    {
        using var http = TrustingHttpClient(args.CaPath);
        var credential = Credential(args, http);
        var token = await credential.GetTokenAsync(new TokenRequestContext([args.Scope]), CancellationToken.None);
        return new JsonObject { ["ok"] = true, ["accessToken"] = token.Token };
    }

    // ── Microsoft Graph SDK ─────────────────────────────────────────────────────────────────────

    private static async Task<JsonObject> RunGraph(Arguments args)
    {
        using var identityHttp = TrustingHttpClient(args.CaPath);
        var credential = Credential(args, identityHttp);
        var host = new Uri(args.Url).Host;
        // Kiota attaches the token only to the hosts it is told about (graph.microsoft.com by default).
        var auth = new AzureIdentityAuthenticationProvider(credential, allowedHosts: [host], scopes: [args.Scope]);
        // The Graph middleware (retry, redirect, telemetry…) over the handler that trusts the local CA.
        using var graphHttp = GraphClientFactory.Create(finalHandler: TrustingHandler(args.CaPath));
        var graph = new GraphServiceClient(graphHttp, auth, $"{args.Url}/graph/v1.0");

        var calls = new JsonObject();
        calls["users"] = await GraphCall(async () =>
        {
            var users = await graph.Users.GetAsync();
            return new JsonObject { ["ok"] = true, ["count"] = users?.Value?.Count ?? 0, ["first"] = users?.Value?.FirstOrDefault()?.UserPrincipalName };
        });
        calls["organization"] = await GraphCall(async () =>
        {
            var organization = await graph.Organization.GetAsync();
            var first = organization?.Value?.FirstOrDefault();
            return new JsonObject { ["ok"] = true, ["count"] = organization?.Value?.Count ?? 0, ["id"] = first?.Id, ["displayName"] = first?.DisplayName };
        });
        var ok = calls.All(c => c.Value?["ok"]?.GetValue<bool>() == true);
        return new JsonObject { ["ok"] = ok, ["calls"] = calls };
    }

    private static async Task<JsonObject> GraphCall(Func<Task<JsonObject>> call)
    {
        try
        {
            return await call();
        }
        catch (ODataError e)
        {
            return new JsonObject
            {
                ["ok"] = false,
                ["error"] = e.Error?.Code ?? nameof(ODataError),
                ["status"] = e.ResponseStatusCode,
                ["message"] = e.Error?.Message ?? e.Message,
            };
        }
        catch (Exception e)
        {
            return Failure(e);
        }
    }

    // ── Certificates and TLS ────────────────────────────────────────────────────────────────────

    private static X509Certificate2 LoadPfx(Arguments args)
    {
        if (args.PfxPath is null) throw new ArgumentException("pfxPath is missing");
        return X509CertificateLoader.LoadPkcs12FromFile(args.PfxPath, args.PfxPassword, X509KeyStorageFlags.EphemeralKeySet);
    }

    private static SocketsHttpHandler TrustingHandler(string caPath)
    {
        var bytes = File.ReadAllBytes(caPath);
        using var parsed = LooksLikePem(bytes) ? X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes)) : null;
        var ca = X509CertificateLoader.LoadCertificate(parsed?.RawData ?? bytes);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
        {
            // The name check (SAN IP 127.0.0.1) and the presence of a certificate are kept as they are;
            // only "which root is trusted" is decided here.
            if (certificate is null) return false;
            if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a local CA publishes no CRL
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // id-kp-serverAuth
            if (presented is not null)
            {
                foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(leaf);
        };
        return handler;
    }

    private static HttpClient TrustingHttpClient(string caPath) => new(TrustingHandler(caPath), disposeHandler: true);

    private static bool LooksLikePem(byte[] bytes) => bytes.Length > 10 && bytes[0] == (byte)'-';

    // ── Key Vault ───────────────────────────────────────────────────────────────────────────────

    private static async Task<JsonObject> RunKeyVault(Arguments args)
    {
        using var http = TrustingHttpClient(args.CaPath);
        var transport = new HttpClientTransport(http);
        // System-assigned: the App Service source, from IDENTITY_ENDPOINT and IDENTITY_HEADER.
        var credential = new ManagedIdentityCredential((string?)null, new TokenCredentialOptions { Transport = transport });
        var options = new CertificateClientOptions
        {
            Transport = transport,
            // The client checks that the challenge's resource (vault.azure.net) is a suffix of the
            // vault's host; the mock is at 127.0.0.1, so the check would refuse it. A real vault needs no such option.
            DisableChallengeResourceVerification = true,
        };
        var client = new CertificateClient(new Uri(args.Url), credential, options);
        var certificate = (await client.GetCertificateAsync(args.Name ?? "workshop-cert")).Value;
        return new JsonObject
        {
            ["ok"] = true,
            ["id"] = certificate.Id.ToString(),
            ["keyId"] = certificate.KeyId.ToString(),
            ["secretId"] = certificate.SecretId.ToString(),
            ["x5t"] = Convert.ToBase64String(certificate.Properties.X509Thumbprint).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            ["cer"] = Convert.ToBase64String(certificate.Cer),
            ["enabled"] = certificate.Properties.Enabled,
            ["expiresOn"] = certificate.Properties.ExpiresOn?.ToUnixTimeSeconds(),
            ["policySubject"] = certificate.Policy?.Subject,
        };
    }

    // ── Errors ──────────────────────────────────────────────────────────────────────────────────

    private static JsonObject Failure(Exception e)
    {
        var text = e.ToString();
        var codes = new JsonArray();
        foreach (var code in AadstsCodes().Matches(text).Select(m => int.Parse(m.Groups[1].Value)).Distinct()) codes.Add(code);
        var error = e switch
        {
            MsalServiceException m => m.ErrorCode,
            MsalClientException m => m.ErrorCode,
            AuthenticationFailedException => nameof(AuthenticationFailedException),
            _ => e.GetType().Name,
        };
        // The innermost message usually carries Entra's own words.
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        var message = FirstLine(e.Message) + (ReferenceEquals(inner, e) ? "" : $" | {FirstLine(inner.Message)}");
        return new JsonObject { ["ok"] = false, ["error"] = error, ["aadsts"] = codes, ["message"] = message };
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 400 ? line[..400] : line;
    }

    [GeneratedRegex(@"AADSTS(\d{5,8})")]
    private static partial Regex AadstsCodes();
}

using System.Globalization;
using System.Net;
using NewtPose.Data;
using NewtPose.Labeling;
using NewtPose.Tests.Data;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;

namespace NewtPose.Tests.Labeling;

/// <summary>
/// The page in a real headless Chromium: drag a point, set a visibility by key, go to the next photo, and check the saved
/// COCO file. With NEWTPOSE_LABEL_SCREENSHOT=path the test also writes a screenshot of the page there (docs/label-page.png).
/// </summary>
public class LabelingPageTests
{
    private const int Dx = 40, Dy = -25;

    [BrowserFact]
    public async Task DraggingAPoint_AndAKey_AreSavedInPhotoPixels_AndEveryOtherLabelIsKept()
    {
        using var folder = new TempFolder();
        var bundled = LabelingTestData.BundledNewts(folder, 3);
        // Photo 0 lacks two points, which the suggestions fill with low scores: they are ringed and selected first.
        var labels = LabelingTestData.WithGaps(bundled, unlabel: [0, 4], emptyPhoto: 2);
        var suggestions = LabelingTestData.Suggestions(labels, [0], pointsFrom: bundled);
        var session = LabelingSession.Open(new LabelingOptions(labels, suggestions, Path.Combine(Path.GetDirectoryName(labels)!, "corrected.json")));
        var start = PoseData.Load(labels);
        var suggested = PoseData.Load(suggestions);
        await using var server = await LabelingServer.StartAsync(session);
        using var driver = StartBrowser();

        // Without the token the page is refused.
        driver.Navigate().GoToUrl(server.BaseAddress);
        Assert.Contains("token is missing", driver.PageSource);

        driver.Navigate().GoToUrl(server.Url);
        Until(driver, "the page to show photo 0", d => Script(d, "document.body.dataset.ready") == "true");
        Assert.Equal("0", Script(driver, "document.body.dataset.photo"));
        // The lowest-scored suggested point is selected first (snout_tip scores 0).
        Assert.Contains("snout_tip", driver.FindElement(By.CssSelector("#point-list li.selected")).Text);
        Assert.Equal(2, driver.FindElements(By.CssSelector("circle.low-ring")).Count);

        // Zoom in with the wheel: the page asks for more pixels of the photo (1024 px fit the view; 1600 px now).
        Until(driver, "the photo at the fit size", d => Script(d, "document.body.dataset.imageSide") == "1024");
        var fitScale = Scale(driver);
        new Actions(driver).ScrollFromOrigin(new WheelInputDevice.ScrollOrigin { Element = driver.FindElement(By.Id("stage")) }, 0, -200).Perform();
        Until(driver, "the zoom to change", d => Scale(d) > fitScale * 1.2);
        Until(driver, "the sharper photo", d => Script(d, "document.body.dataset.imageSide") == "1600");

        // Drag right_jaw_corner (index 2) by (Dx, Dy) screen pixels at the current zoom.
        var scale = Scale(driver);
        var dragged = Point(driver, "right_jaw_corner");
        new Actions(driver).ClickAndHold(dragged).MoveByOffset(Dx / 2, Dy / 2).MoveByOffset(Dx - Dx / 2, Dy - Dy / 2).Release().Perform();
        // Click tail_tip (index 20) and make it occluded with the key 1.
        new Actions(driver).Click(Point(driver, "tail_tip")).Perform();
        new Actions(driver).SendKeys("1").Perform();
        Until(driver, "the saves", d => Script(d, "document.body.dataset.saving") == "0" && d.FindElement(By.Id("save-status")).Text.StartsWith("saved"));
        if (Environment.GetEnvironmentVariable("NEWTPOSE_LABEL_SCREENSHOT") is { Length: > 0 } shot)
        {
            // Taller, so that the whole side panel shows; then the photo fitted to the view.
            driver.Manage().Window.Size = new System.Drawing.Size(1400, 1120);
            new Actions(driver).SendKeys("f").Perform();
            Until(driver, "the fitted view", d => Scale(d) < scale);
            Thread.Sleep(500);
            ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(shot);
        }
        new Actions(driver).SendKeys("n").Perform();
        Until(driver, "photo 1", d => Script(d, "document.body.dataset.photo") == "1");

        var saved = PoseData.Load(session.OutputPath);
        Assert.Equal(["corrected", "todo", "todo"], saved.Images.Select(i => i.Attributes[LabelAttributes.State]));
        var before = start.Images[0].Instances[0].Keypoints.ToArray();
        before[0] = suggested.Images[0].Instances[0].Keypoints[0];
        before[4] = suggested.Images[0].Instances[0].Keypoints[4];
        var after = saved.Images[0].Instances[0].Keypoints;
        Assert.Equal(before[2].X + Dx / scale, after[2].X, 0.002);
        Assert.Equal(before[2].Y + Dy / scale, after[2].Y, 0.002);
        Assert.Equal(Visibility.Visible, after[2].Visibility);
        Assert.Equal(before[20] with { Visibility = Visibility.Occluded }, after[20]);
        for (var k = 0; k < before.Length; k++)
            if (k is not (2 or 20)) Assert.Equal(before[k], after[k]);
        Assert.Equal("[\"right_jaw_corner\",\"tail_tip\"]", saved.Images[0].Instances[0].Attributes[LabelAttributes.CorrectedKeypoints]);
        Assert.Equal(start.Images[1].Instances[0].Keypoints, saved.Images[1].Instances[0].Keypoints);
        Assert.Empty(saved.Images[2].Instances);

        // A request naming a file outside the dataset is refused, token or not.
        using var client = new HttpClient();
        var outside = new Uri(server.BaseAddress + "api/photos/../../annotations.json?token=" + server.Token,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(outside)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(server.BaseAddress, $"api/photos/3/image?token={server.Token}"))).StatusCode);
    }

    private static ChromeDriver StartBrowser()
    {
        // The system's driver, named explicitly: Selenium Manager (which would download one) is never asked.
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(SystemBrowser.Driver)!, Path.GetFileName(SystemBrowser.Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = SystemBrowser.Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900",
            "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static IWebElement Point(IWebDriver driver, string name) => driver.FindElement(By.CssSelector($"circle.point[data-name='{name}']"));

    private static string? Script(IWebDriver driver, string expression) =>
        ((IJavaScriptExecutor)driver).ExecuteScript($"return {expression};")?.ToString();

    private static double Scale(IWebDriver driver) => double.Parse(Script(driver, "document.body.dataset.scale") ?? "0", CultureInfo.InvariantCulture);

    private static void Until(IWebDriver driver, string what, Func<IWebDriver, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition(driver))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 30 s for {what}; page status: {driver.FindElement(By.Id("save-status")).Text} / {driver.FindElement(By.Id("message")).Text}");
            Thread.Sleep(50);
        }
    }
}
